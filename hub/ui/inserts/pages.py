"""/i/<code>: a delivery insert (`I.…`) or a receipt QR (`RCPT1.…`) opened on the customer's phone.

With a card of that stamp card remembered in this browser, the stamp (or lottery draw) lands
on it; otherwise the customer joins first (`/join/<template>?then=<code>`) and the join page
sends them back to `/i/<code>?card=<token>`. The code is used only once the page's socket
connects: link previews and crawlers that fetch the URL never run it, so they cannot burn a
customer's code. The page speaks the browser's language, like the card page.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import context, ui

from hub.domain import inserts, joining, receipts
from hub.domain.cards import card_by_id, get_card_by_token
from hub.domain.inserts import Claim
from hub.domain.lottery import prize_titles
from hub.domain.templates import get_template
from hub.errors import DomainError
from hub.i18n import N_, Lang
from hub.models import Card
from hub.runtime import runtime
from hub.ui.card_page.frame import declare_language, page_language
from hub.ui.card_page.remembered import remember_card, remembered_token
from hub.ui.card_page.reward import reward_text
from hub.ui.card_render import CARD_CSS, render_card

CONNECT_TIMEOUT = 30.0

# Why a code gave nothing, by the claim's reason. The domain's own messages are English and
# written for the API; these say it to the customer, with the claim's detail as placeholders.
REJECTIONS = {
    "already_used": N_("This code was already used. Each code works once."),
    "insert_expired": N_("This code expired on {expires_at}."),
    "other_card": N_("This code is for another stamp card."),
    "cooldown": N_("Your card was stamped moments ago. Open this link again in {retry_after} s."),
    "daily_cap": N_("Daily limit reached: {cap} stamps per day. Open this link again tomorrow."),
    "receipt_used": N_("This receipt already gave its stamp."),
    "stale_receipt": N_("This receipt is too old: receipts count for {max_age_hours} hours."),
    "future_receipt": N_("This receipt's time is in the future. Please ask the shop."),
    "below_minimum": N_("Receipts from {min_amount} earn a stamp."),
    "key_revoked": N_("This receipt's code is no longer valid. Please ask the shop."),
    "no_prize_pool": N_("This lottery is not set up yet. Please ask the shop."),
    "plan_limit": N_("This shop cannot give stamps right now. Please try again later."),
    "card_deleted": N_("This card was deleted."),
}
# Why a code could not be used at all, by the error's code.
ERRORS = {
    "malformed_code": N_("This is not a valid code. Please scan the QR code again."),
    "invalid_signature": N_("This is not a valid code. Please scan the QR code again."),
    "not_found": N_("This code does not exist."),
    "other_business": N_("This code is from another shop."),
}
CANNOT_USE = N_("This code cannot be used right now. Please ask the shop.")


async def _card_for(template_id: int, handed_over: str | None) -> Card | None:
    """The card this browser holds for the stamp card: one handed over by the join page
    (`?card=<token>`, the same secret as the card page's own URL) or the remembered one."""
    for token in (handed_over, remembered_token(template_id)):
        if token:
            card = await get_card_by_token(token)
            if card is not None and card.template_id == template_id:
                return card
    return None


async def _target(code: str) -> tuple[int, Claim | None]:
    """The stamp card the code is for, and a rejection known before any card is needed."""
    if receipts.is_receipt_code(code):
        _, key, rejection = await receipts.check(code)
        return key.template_id, rejection
    _, batch = await inserts.lookup(runtime().settings.secret_key, code)
    return batch.template_id, None


async def _apply(code: str, token: str) -> Claim:
    if receipts.is_receipt_code(code):
        return await receipts.use_receipt(code, token)
    return await inserts.use_insert(runtime().settings.secret_key, code, token)


def _rejection_text(claim: Claim, lang: Lang) -> str:
    values = dict(claim.detail)
    for key in ("retry_after", "cap", "max_age_hours"):
        if isinstance(values.get(key), int):
            values[key] = lang.number(values[key])
    if isinstance(values.get("expires_at"), str):
        values["expires_at"] = lang.date_text(date.fromisoformat(values["expires_at"]))
    return lang._(REJECTIONS.get(claim.reason or "", CANNOT_USE), **values)


def _error_text(error: DomainError, lang: Lang) -> str:
    return lang._(ERRORS.get(error.code, CANNOT_USE))


def _claim_text(claim: Claim, lang: Lang) -> str:
    if claim.outcome == "rejected":
        return _rejection_text(claim, lang)
    voucher = claim.result.voucher if claim.result else None
    if claim.outcome == "reward" and voucher is None:  # a full card whose prize draw drew nothing
        return lang._("Card full: the prize draw was played, no prize this time.")
    if claim.outcome == "reward":
        return lang._("Reward earned: {reward}. It is waiting on your card.", reward=voucher.title)
    if claim.stamps > 1:
        return lang._("Stamps added: {count}", count=lang.number(claim.stamps))
    return lang._("Stamp added!")


def _message_box(text: str, *, ok: bool, marker: str) -> None:
    colour = "bg-green-100 text-green-900" if ok else "bg-amber-100 text-amber-900"
    with ui.card().classes(f"w-full {colour} items-center text-center").mark(marker):
        ui.icon("check_circle" if ok else "info", size="40px")
        ui.label(text).classes("text-lg font-medium").mark("claim-message")


def _shell(lang: Lang) -> ui.column:
    ui.page_title(lang._("Your stamp card"))
    ui.add_css(CARD_CSS + "body { background: #f4efe7; } .nicegui-content { padding: 0; }")
    declare_language(lang)
    return ui.column().classes("w-full items-stretch gap-3 px-3 py-6 mx-auto").style("max-width:440px")


async def insert_page(request: Request, code: str, card: str | None = None, lang: str | None = None) -> Any:
    language = page_language(request, lang)
    try:
        template_id, rejection = await _target(code)
    except DomainError as error:
        with _shell(language):
            _message_box(_error_text(error, language), ok=False, marker="claim-error")
        return None
    if (target := await joining.join_target(template_id)) is not None:
        # A phone in a language none of ours: the shop's own. The cookie was settled above.
        language = page_language(request, lang, target.business.language)
    if rejection is not None:
        with _shell(language):
            _message_box(_claim_text(rejection, language), ok=False, marker="claim-rejected")
        return None
    holder = await _card_for(template_id, card)
    if holder is None:
        return RedirectResponse(f"/join/{template_id}?then={quote(code, safe='')}", status_code=303)
    remember_card(holder)

    with _shell(language) as column:
        waiting = ui.label(language._("Adding it to your card…")).classes("text-center opacity-70")
    try:
        await context.client.connected(timeout=CONNECT_TIMEOUT)
    except Exception:
        return None  # the browser never connected (a crawler, or the customer left): nothing is used
    waiting.delete()
    with column:
        try:
            claim = await _apply(code, holder.token)
        except DomainError as error:
            _message_box(_error_text(error, language), ok=False, marker="claim-error")
            return None
        if claim.outcome == "lottery":
            # The card page plays the draw's spin for unrevealed draws as soon as it opens.
            ui.navigate.to(f"/c/{holder.token}")
            return None
        _message_box(
            _claim_text(claim, language),
            ok=claim.outcome != "rejected",
            marker="claim-ok" if claim.outcome != "rejected" else "claim-rejected",
        )
        fresh = claim.card or await card_by_id(holder.id) or holder
        template = await get_template(fresh.business_id, fresh.template_id)
        render_card(
            template.design or {},
            stamps=fresh.stamps,
            stamps_required=template.stamps_required,
            reward_title=template.reward_title,
            progress_text=f"{language.number(fresh.stamps)} / {language.number(template.stamps_required)}",
            reward_text=reward_text(language, template.reward_title, await prize_titles(template)),
            new_stamps=min(claim.stamps, fresh.stamps),
        )
        ui.button(language._("Open my card"), on_click=lambda: ui.navigate.to(f"/c/{holder.token}")).props(
            "unelevated size=lg"
        ).classes("w-full").mark("open-card")
    return None


def register() -> None:
    ui.page("/i/{code}", title="Stamp card")(insert_page)
