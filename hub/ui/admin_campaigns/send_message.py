"""SEND MESSAGE from a customer's card: a campaign of one, sent by the workers like any other."""

from __future__ import annotations

from nicegui import ui

from hub.domain import campaigns
from hub.errors import DomainError
from hub.ui.admin.frame import show_error
from hub.ui.admin_campaigns.common import CHANNEL_LABELS, enqueue
from hub.workers.campaign_jobs import enqueue_campaign


async def send_message_dialog(business_id: int, card_id: int, customer_name: str) -> None:
    """Open the dialog; on Send it creates the one-card campaign and queues it."""
    available = await campaigns.available_channels(business_id)
    channels = {c: c == "push" or (c == "email" and "push" not in available) for c in available}
    with ui.dialog() as dialog, ui.card().classes("w-full sm:w-[480px] max-w-full").mark("message-dialog"):
        ui.label(f"Message {customer_name}").classes("text-lg font-bold")
        with ui.row().classes("gap-4"):
            for channel in available:
                ui.checkbox(CHANNEL_LABELS[channel]).bind_value(channels, channel).mark(f"message-channel-{channel}")
        subject = ui.input("Title").props("outlined dense").classes("w-full").mark("message-subject")
        body = ui.textarea("Message").props("outlined").classes("w-full").mark("message-body")

        async def send() -> None:
            try:
                campaign = await campaigns.send_message_to_card(
                    business_id,
                    card_id,
                    [c for c, on in channels.items() if on],
                    subject.value or "",
                    body.value or "",
                )
            except DomainError as error:
                show_error(error)
                return
            await enqueue(enqueue_campaign, campaign)
            ui.notify("Message on its way.", type="positive")
            dialog.close()

        with ui.row():
            ui.button("Close", on_click=dialog.close).props("flat")
            ui.button("Send", icon="send", on_click=send).mark("message-send")
    dialog.open()
