"""Admin console pages under /admin: the owner pages declare themselves with `@admin_page`;
sign-in and uploads register here."""


def register() -> None:
    from hub.ui.admin import account, auth, cards, designer, integrations, journal, overview, prizes, staff, vouchers  # noqa: F401

    auth.register()
    designer.register()
