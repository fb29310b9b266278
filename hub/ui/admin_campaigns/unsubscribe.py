"""/u/<token>: the unsubscribe link of every campaign message. The visit alone changes nothing
(mail scanners open links); the button does, and it can be undone."""

from __future__ import annotations

from nicegui import ui

from hub.domain import campaigns
from hub.errors import DomainError
from hub.models import Business, ContactPreference, Customer
from hub.runtime import runtime


async def unsubscribe_page(token: str) -> None:
    secret = runtime().settings.secret_key
    customer_id = campaigns.customer_for_token(secret, token)
    customer = await Customer.get_or_none(id=customer_id) if customer_id else None
    with ui.column().classes("w-full items-center p-6 gap-4").style("max-width:480px;margin:auto"):
        if customer is None:
            ui.label("This unsubscribe link is not valid.").classes("text-lg").mark("unsubscribe-invalid")
            return
        business = await Business.get(id=customer.business_id)
        ui.label(business.name).classes("text-2xl font-bold")

        @ui.refreshable
        async def body() -> None:
            pref = await ContactPreference.get_or_none(customer_id=customer.id)
            email_off = pref is not None and pref.email_unsubscribed_at is not None
            all_off = pref is not None and all(
                getattr(pref, f"{c}_unsubscribed_at") is not None for c in ("email", "messenger", "push")
            )
            if all_off:
                ui.label("You get no more messages from us.").mark("unsubscribed-all")
            elif email_off:
                ui.label("You get no more emails from us.").mark("unsubscribed")
            else:
                ui.label(f"Stop the emails of {business.name}?").classes("text-lg")
            with ui.row():
                if not email_off:
                    ui.button("Unsubscribe from emails", on_click=lambda: change(("email",), True)).mark(
                        "unsubscribe-email"
                    )
                if not all_off:
                    ui.button("Stop all messages", on_click=lambda: change(campaigns.CHANNELS, True)).props(
                        "outline"
                    ).mark("unsubscribe-all")
                if email_off or all_off:
                    ui.button("Subscribe again", on_click=lambda: change(campaigns.CHANNELS, False)).props("flat").mark(
                        "resubscribe"
                    )

        async def change(channels: tuple[str, ...], off: bool) -> None:
            try:
                if off:
                    await campaigns.unsubscribe(secret, token, channels=channels)
                else:
                    await campaigns.resubscribe(secret, token, channels=channels)
            except DomainError as error:
                ui.notify(error.message, type="warning")
                return
            body.refresh()

        await body()


def register() -> None:
    ui.page("/u/{token}", title="Unsubscribe")(unsubscribe_page)
