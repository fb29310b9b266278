"""Campaign pages: each module's page, registered here (the lead wires this into hub.ui.pages)."""

from __future__ import annotations

from nicegui import ui


def register() -> None:
    from hub.ui.admin_campaigns import automations, campaign_detail, campaign_list, messenger, new_campaign, unsubscribe

    ui.page("/admin/campaigns", title="Campaigns · Stamphub")(campaign_list.campaigns_page)
    ui.page("/admin/campaigns/new", title="New campaign · Stamphub")(new_campaign.new_campaign_page)
    ui.page("/admin/campaigns/automations", title="Automations · Stamphub")(automations.automations_page)
    ui.page("/admin/campaigns/messenger", title="Messenger gateway · Stamphub")(messenger.messenger_page)
    ui.page("/admin/campaigns/{campaign_id}", title="Campaign · Stamphub")(campaign_detail.campaign_page)
    unsubscribe.register()
