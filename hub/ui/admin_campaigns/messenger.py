"""/admin/campaigns/messenger: connect the messenger gateway (WhatsApp / Telegram / Viber)."""

from __future__ import annotations

from nicegui import ui

from hub.domain import campaigns
from hub.ui.admin.frame import frame, notifies_errors, when
from hub.ui.admin.owner_pages import Session, admin_page
from hub.ui.admin.section import input_row, section
from hub.ui.admin_campaigns.common import campaign_menu


@admin_page("/admin/campaigns/messenger", "Messenger gateway")
async def messenger_page(session: Session) -> None:

    @ui.refreshable
    async def status() -> None:
        integration = await campaigns.messenger_of(session.business_id)
        if integration is None or integration.status != "connected":
            ui.label("Not connected: messengers are not offered as a campaign channel.").classes("text-stone-600").mark(
                "messenger-status"
            )
            return
        ui.label(
            f"Connected {when(integration.connected_at)} to {integration.base_url} — "
            f"{', '.join(h.capitalize() for h in integration.hints)}"
        ).classes("text-green-800").mark("messenger-status")
        ui.button("Disconnect", on_click=disconnect).props("flat color=negative").mark("messenger-disconnect")

    @notifies_errors
    async def connect() -> None:
        await campaigns.connect_messenger(session.business_id, url.value or "", token.value or "")
        token.value = ""
        ui.notify("Messenger gateway connected.", type="positive")
        status.refresh()

    async def disconnect() -> None:
        await campaigns.disconnect_messenger(session.business_id)
        status.refresh()

    with frame(session, "Campaigns"):
        campaign_menu("Messenger gateway")
        with section(
            "Messenger gateway",
            "Your gateway account's API URL and token. Customers who opted in on WhatsApp, Telegram or "
            "Viber are then reachable from campaigns.",
        ):
            await status()
            with input_row():
                url = (
                    ui.input("Gateway URL", placeholder="https://gateway.example.com")
                    .props("outlined dense")
                    .classes("w-full sm:w-96")
                    .mark("messenger-url")
                )
                token = (
                    ui.input("Token", password=True)
                    .props("outlined dense")
                    .classes("w-full sm:w-72")
                    .mark("messenger-token")
                )
                ui.button("Connect", on_click=connect).mark("messenger-connect")
    return None
