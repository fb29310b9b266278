"""/i/<code>: a delivery insert (`I.…`) or a receipt QR (`RCPT1.…`) opened on the customer's phone.

With a card of that stamp card remembered in this browser, the stamp (or lottery draw) lands
on it; otherwise the customer joins first (`/join/<template>?then=<code>`) and the join page
sends them back to `/i/<code>?card=<token>`. Opening the address uses nothing: the page posts
the code back once its script runs (static/page.js), so link previews and crawlers that fetch
the URL cannot burn a customer's code. The page speaks the browser's language, like the card page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hub.domain import inserts, joining, receipts
from hub.domain.cards import card_by_id, get_card_by_token
from hub.domain.inserts import Claim
from hub.domain.lottery import prize_titles
from hub.domain.templates import get_template
from hub.errors import DomainError
from hub.i18n import Lang
from hub.models import Card
from hub.runtime import runtime
from hub.ui.card_page.card_html import card_face
from hub.ui.card_page.html import page, page_language, same_origin
from hub.ui.card_page.remembered import remember_card, remembered_token
from hub.ui.inserts.claim_texts import claim_text, error_text


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


def _page(lang: Lang, code: str, **context: Any) -> HTMLResponse:
    path = f"/i/{quote(code, safe='')}"
    return page("insert.html", lang, title=lang._("Your stamp card"), path=path, action=path, **context)


def _told(lang: Lang, code: str, text: str, *, ok: bool, mark: str, **context: Any) -> HTMLResponse:
    return _page(lang, code, told={"text": text, "ok": ok, "mark": mark}, **context)


async def _holder(
    request: Request, code: str, handed_over: str | None, lang: str | None
) -> tuple[Lang, Card | Response]:
    """The page's language and the card the code would land on, or the answer that stops here:
    why the code cannot be used, or the way to join first."""
    language = page_language(request, lang)
    try:
        template_id, rejection = await _target(code)
    except DomainError as error:
        return language, _told(language, code, error_text(error, language), ok=False, mark="claim-error")
    if (target := await joining.join_target(template_id)) is not None:
        # A phone in a language none of ours: the shop's own.
        language = page_language(request, lang, target.business.language)
    if rejection is not None:
        return language, _told(language, code, claim_text(rejection, language), ok=False, mark="claim-rejected")
    holder = await _card_for(template_id, handed_over)
    if holder is None:
        return language, RedirectResponse(f"/join/{template_id}?then={quote(code, safe='')}", status_code=303)
    remember_card(holder)
    return language, holder


async def insert_page(request: Request, code: str, card: str | None = None, lang: str | None = None) -> Response:
    language, found = await _holder(request, code, card, lang)
    if isinstance(found, Response):
        return found
    return _page(language, code, card_token=found.token)


async def insert_submit(request: Request, code: str, lang: str | None = None) -> Response:
    if not same_origin(request):
        return Response(status_code=403)
    form = await request.form()
    language, found = await _holder(request, code, str(form.get("card") or "") or None, lang)
    if isinstance(found, Response):
        return found
    try:
        claim = await _apply(code, found.token)
    except DomainError as error:
        return _told(language, code, error_text(error, language), ok=False, mark="claim-error")
    if claim.outcome == "lottery":
        # The card page plays the draw's spin for unrevealed draws as soon as it opens.
        return RedirectResponse(f"/c/{found.token}", status_code=303)
    ok = claim.outcome != "rejected"
    fresh = claim.card or await card_by_id(found.id) or found
    template = await get_template(fresh.business_id, fresh.template_id)
    face = card_face(
        template.design or {},
        language,
        stamps=fresh.stamps,
        stamps_required=template.stamps_required,
        reward_title=template.reward_title,
        prizes=await prize_titles(template),
        new_stamps=min(claim.stamps, fresh.stamps),
    )
    mark = "claim-ok" if ok else "claim-rejected"
    return _told(language, code, claim_text(claim, language), ok=ok, mark=mark, face=face, card_url=f"/c/{found.token}")
