"""Campaign pages: the owner pages declare themselves with `@admin_page`; the customer's
unsubscribe page registers here."""


def register() -> None:
    from hub.ui.admin_campaigns import automations, campaign_detail, campaign_list, messenger, new_campaign, unsubscribe  # noqa: F401

    unsubscribe.register()
