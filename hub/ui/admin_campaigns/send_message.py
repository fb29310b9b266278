"""SEND MESSAGE from a customer's card: a campaign of one, sent by the workers like any other.

Before sending, the dialog says where each channel would take the message for this customer
(the same rule the sender applies), and channels that cannot reach them are not offered."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from hub.domain import campaigns
from hub.errors import DomainError
from hub.ui.admin.frame import show_error
from hub.ui.admin_campaigns.common import CHANNEL_LABELS, enqueue, push_route_text
from hub.workers.campaign_jobs import enqueue_campaign


def _where(channel: str, reach: dict[str, Any]) -> str:
    """What choosing `channel` does for this one customer, in the owner's words."""
    if not reach.get(channel):
        return {
            "push": "unsubscribed from PUSH",
            "email": "no email address, or unsubscribed",
            "messenger": "no messenger contact, or unsubscribed",
        }[channel]
    if channel == "push":
        return push_route_text(reach)
    return {"email": "reaches their email", "messenger": "reaches their messenger"}[channel]


async def send_message_dialog(business_id: int, card_id: int, customer_name: str) -> None:
    """Open the dialog; on Send it creates the one-card campaign and queues it."""
    available = await campaigns.available_channels(business_id)
    reach = await campaigns.reach(business_id, {"card_ids": [card_id]}, kind="direct")
    reachable = [c for c in available if reach.get(c)]
    channels = {c: c == (reachable[0] if reachable else None) for c in available}
    with ui.dialog() as dialog, ui.card().classes("w-full sm:w-[480px] max-w-full").mark("message-dialog"):
        ui.label(f"Message {customer_name}").classes("text-lg font-bold")
        with ui.column().classes("gap-0"):
            for channel in available:
                with ui.row().classes("items-center gap-2 no-wrap"):
                    box = ui.checkbox(CHANNEL_LABELS[channel]).bind_value(channels, channel)
                    box.mark(f"message-channel-{channel}")
                    if not reach.get(channel):
                        box.disable()
                    ui.label(_where(channel, reach)).classes("text-sm text-stone-500").mark(f"message-reach-{channel}")
        if not reachable:
            ui.label("This customer cannot receive messages on any channel.").classes("text-red-800").mark(
                "message-unreachable"
            )
        subject = ui.input("Title").props("outlined dense").classes("w-full").mark("message-subject")
        body = ui.textarea("Message").props("outlined").classes("w-full").mark("message-body")

        async def send() -> None:
            chosen = [c for c, on in channels.items() if on]
            try:
                campaign = await campaigns.send_message_to_card(
                    business_id, card_id, chosen, subject.value or "", body.value or ""
                )
            except DomainError as error:
                show_error(error)
                return
            await enqueue(enqueue_campaign, campaign)
            ui.notify(f"Sending: {'; '.join(_where(c, reach) for c in chosen)}.", type="positive")
            dialog.close()

        with ui.row():
            ui.button("Close", on_click=dialog.close).props("flat")
            send_button = ui.button("Send", icon="send", on_click=send).mark("message-send")
            if not reachable:
                send_button.disable()
    dialog.open()
