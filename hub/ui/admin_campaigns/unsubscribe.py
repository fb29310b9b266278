"""/u/<token>: the unsubscribe link of every campaign message. The visit alone changes nothing
(mail scanners open links); the button does, and it can be undone. It speaks the customer's
language: ?lang=, the browser's, the one they joined in, then the business's."""

from __future__ import annotations

from fastapi import Request
from nicegui import ui

from hub.domain import campaigns
from hub.errors import DomainError
from hub.i18n import N_
from hub.runtime import runtime
from hub.ui.card_page.frame import frame, page_language

# NOTE: The page's title and the heading of the campaign e-mails' unsubscribe link.
UNSUBSCRIBE = N_("Unsubscribe")


async def unsubscribe_page(request: Request, token: str, lang: str | None = None) -> None:
    secret = runtime().settings.secret_key
    customer, business = await campaigns.link_holder(secret, token) or (None, None)
    language = page_language(
        request, lang, (customer.language if customer else None) or (business.language if business else None)
    )
    _ = language._
    with frame(language, _(UNSUBSCRIBE), f"/u/{token}"):
        if customer is None or business is None:
            ui.label(_("This unsubscribe link is not valid.")).classes("text-lg").mark("unsubscribe-invalid")
            return
        ui.label(business.name).classes("text-2xl font-bold")

        @ui.refreshable
        async def body() -> None:
            pref = await campaigns.current_preference(customer.id)
            email_off = pref is not None and pref.email_unsubscribed_at is not None
            all_off = pref is not None and all(
                getattr(pref, f"{c}_unsubscribed_at") is not None for c in ("email", "messenger", "push")
            )
            if all_off:
                ui.label(_("You get no more messages from us.")).mark("unsubscribed-all")
            elif email_off:
                ui.label(_("You get no more emails from us.")).mark("unsubscribed")
            else:
                ui.label(_("Stop the emails of {business}?", business=business.name)).classes("text-lg")
            with ui.row():
                if not email_off:
                    ui.button(_("Unsubscribe from emails"), on_click=lambda: change(("email",), True)).mark(
                        "unsubscribe-email"
                    )
                if not all_off:
                    ui.button(_("Stop all messages"), on_click=lambda: change(campaigns.CHANNELS, True)).props(
                        "outline"
                    ).mark("unsubscribe-all")
                if email_off or all_off:
                    ui.button(_("Subscribe again"), on_click=lambda: change(campaigns.CHANNELS, False)).props(
                        "flat"
                    ).mark("resubscribe")

        async def change(channels: tuple[str, ...], off: bool) -> None:
            try:
                if off:
                    await campaigns.unsubscribe(secret, token, channels=channels)
                else:
                    await campaigns.resubscribe(secret, token, channels=channels)
            except DomainError as error:
                ui.notify(_(error.message), type="warning")
                return
            body.refresh()

        await body()


def register() -> None:
    ui.page("/u/{token}", title="Unsubscribe")(unsubscribe_page)
