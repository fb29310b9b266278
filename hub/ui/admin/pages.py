"""Admin console pages under /admin; each module registers its own."""


def register() -> None:
    from hub.ui.admin import account, auth, cards, designer, integrations, journal, overview, prizes, staff, vouchers

    for module in (auth, account, overview, designer, cards, vouchers, prizes, journal, staff, integrations):
        module.register()
