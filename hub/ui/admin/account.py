"""The owner's account: change the password (which signs every other device out), and the
language the business's cards speak to a customer whose browser asks for none we offer."""

from __future__ import annotations

from nicegui import ui

from hub.domain import businesses, owner_sessions
from hub.domain.businesses import set_card_language
from hub.errors import DomainError
from hub.i18n import languages
from hub.runtime import runtime
from hub.ui.admin.frame import frame, notifies_errors, show_error, sign_in
from hub.ui.admin.owner_pages import Session, admin_page
from hub.ui.device import device_id


@admin_page("/admin/account", "Your account")
async def account_page(session: Session) -> None:
    device = device_id()

    async def change() -> None:
        rt = runtime()
        try:
            owner = await owner_sessions.change_password(
                rt.redis,
                rt.settings.redis_prefix,
                session.owner_id,
                current.value or "",
                new.value or "",
                device=device,
            )
        except DomainError as error:
            show_error(error)
            return
        sign_in(owner)  # this browser stays signed in; every other session has ended
        current.value = new.value = ""
        ui.notify("Password changed. Every other device was signed out.", type="positive")

    with frame(session, "Your account"):
        with ui.card().classes("w-full max-w-96 gap-3"):
            ui.label(session.email).classes("font-medium")
            current = ui.input("Current password", password=True).props("outlined").classes("w-full")
            current.mark("current-password")
            new = ui.input("New password (8 characters or more)", password=True).props("outlined").classes("w-full")
            new.mark("new-password")
            ui.button("Change password", on_click=change).mark("change-password")
        await card_language_form(session.business_id)
    return None


async def card_language_form(business_id: int) -> None:
    business = await businesses.get_business(business_id)

    @notifies_errors
    async def save() -> None:
        await set_card_language(business_id, choice.value or "")
        ui.notify("Saved.", type="positive")

    with ui.card().classes("w-full max-w-96 gap-3"):
        ui.label("Language of your cards").classes("font-medium")
        ui.label(
            "Customers see their phone's language when we speak it, or the one they pick on the page; "
            "everyone else sees this one."
        ).classes("text-sm text-stone-600")
        choice = (
            ui.select(languages(), value=business.language if business.language in languages() else "en")
            .props("outlined dense")
            .classes("w-full")
            .mark("card-language")
        )
        ui.button("Save", on_click=save).mark("card-language-save")
