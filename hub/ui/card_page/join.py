"""/join/<template>: the page behind the poster QR. A name, a tap, a live card."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

from hub import clock
from hub.api.types import IdPath
from hub.domain import joining
from hub.errors import DomainError, InvalidInput, NotFound, RateLimited
from hub.i18n import N_
from hub.runtime import runtime
from hub.ui.card_page.frame import frame, not_found, page_language
from hub.ui.card_page.remembered import remembered_token
from hub.ui.card_render import render_card

FIELD_ERRORS = {
    "name": N_("Please enter your name (up to 120 characters)."),
    "email": N_("That email address does not look right."),
    "birthday": N_("That birthday does not look right."),
}


# An insert or receipt code the customer scanned before having a card (see hub/ui/inserts).
THEN = re.compile(r"^(I|RCPT1)\.[A-Za-z0-9._-]{1,120}$")


def after_join(then: str | None, token: str) -> str:
    """Where the new (or returning) card goes: back to the scanned code, or the card page."""
    if then and THEN.match(then):
        return f"/i/{quote(then, safe='')}?card={token}"
    return f"/c/{token}"


async def join_page(
    request: Request, template_id: IdPath, lang: str | None = None, then: str | None = None
) -> RedirectResponse | None:
    language = page_language(request, lang)
    _ = language._
    path = f"/join/{template_id}"
    target = await joining.join_target(template_id)
    if target is None:
        not_found(language, _("This stamp card does not exist."), path)
        return None
    card = await joining.returning_card(template_id, remembered_token(template_id))
    if card is not None:
        return RedirectResponse(after_join(then, card.token), status_code=303)
    language.timezone = target.business.timezone
    ip = request.client.host if request.client else "unknown"
    template = target.template
    design = template.design or {}
    brand, ink = design.get("background") or "#3b2416", design.get("foreground") or "#fff8ef"

    async def submit() -> None:
        for element in (name, email, birthday):
            element.props.pop("error", None)
            element.props.pop("error-message", None)
            element.update()
        try:
            born = date.fromisoformat(birthday.value) if birthday.value else None
        except ValueError:
            return show_error("birthday")
        button.props("loading")
        try:
            rt = runtime()
            issued = await joining.join(
                rt.redis,
                rt.settings.redis_prefix,
                template_id,
                ip=ip,
                name=name.value or "",
                email=email.value or None,
                birthday=born,
                consent=bool(consent.value),
            )
        except joining.JoinsPaused:
            ui.notify(_("Please ask our staff at the counter."), type="warning")
            return None
        except RateLimited:
            ui.notify(_("Too many sign-ups from this network. Please wait a few minutes."), type="warning")
            return None
        except InvalidInput as exc:
            return show_error(exc.detail.get("field", "name"), exc.message)
        except NotFound:
            ui.notify(_("This stamp card does not exist."), type="negative")
            return None
        except DomainError as exc:
            ui.notify(_(exc.message), type="negative")
            return None
        finally:
            button.props(remove="loading")
        ui.navigate.to(after_join(then, issued.token))

    def show_error(field: str, fallback: str = "") -> None:
        message = _(FIELD_ERRORS[field]) if field in FIELD_ERRORS else _(fallback)
        target_input = {"name": name, "email": email, "birthday": birthday}.get(field, name)
        target_input.props["error"] = True
        target_input.props["error-message"] = message
        target_input.update()
        ui.notify(message, type="warning")

    with frame(language, _("Get your stamp card"), path):
        ui.label(target.business.name).classes("text-sm uppercase tracking-wide opacity-70 text-center")
        render_card(
            template.design or {},
            stamps=0,
            stamps_required=template.stamps_required,
            reward_title=template.reward_title,
            progress_text=f"{language.number(0)} / {language.number(template.stamps_required)}",
            reward_text=_("Reward: {reward}", reward=template.reward_title),
        )
        with ui.card().classes("w-full gap-2"):
            ui.label(_("Get your stamp card")).classes("text-xl font-bold")
            ui.label(_("No app and no password: your card opens right away.")).classes("text-sm opacity-80")
            name = (
                ui.input(_("Your name"))
                .props("outlined autocomplete=name maxlength=120 autofocus")
                .classes("w-full")
                .mark("name")
            )
            email = (
                ui.input(_("Email (optional)"))
                .props("outlined type=email autocomplete=email inputmode=email maxlength=254")
                .classes("w-full")
                .mark("email")
            )
            birthday = (
                ui.input(_("Birthday (optional)"))
                .props(f"outlined type=date stack-label max={clock.utcnow().date().isoformat()}")
                .classes("w-full")
                .mark("birthday")
            )
            consent = (
                ui.checkbox(_("Send me offers and a birthday treat by email. I can unsubscribe at any time."))
                .classes("text-sm")
                .mark("consent")
            )
            button = (
                ui.button(_("Get my card"), on_click=submit, color=brand)
                .props("unelevated size=lg")
                .classes("w-full")
                .style(f"color:{ink}")
                .mark("join")
            )
            name.on("keydown.enter", submit)
        ui.label(_("We only use your email and birthday for offers if you tick the box above.")).classes(
            "text-xs opacity-70 text-center"
        )
    return None
