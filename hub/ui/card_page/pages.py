"""Public customer pages: /c/<token> (the live card), /join/<template> (+ its poster),
/fairness, and the admin's read-only replica /admin/cards/<id>/view."""

from __future__ import annotations

from fastapi import Request
from nicegui import app, ui

from hub.domain.cards import get_card_by_token
from hub.ui.card_page.customer_view import customer_view_page
from hub.ui.card_page.fairness import fairness_page
from hub.ui.card_page.frame import frame, not_found, page_language
from hub.ui.card_page.join import join_page
from hub.ui.card_page.live_card import LiveCard
from hub.ui.card_page.poster import poster
from hub.ui.card_page.remembered import remember_card


async def card_page(request: Request, token: str, lang: str | None = None) -> None:
    language = page_language(request, lang)
    path = f"/c/{token}"
    card = await get_card_by_token(token)
    if card is None:
        not_found(language, language._("This card does not exist or was deleted."), path)
        return
    remember_card(card)
    with frame(language, language._("Your stamp card"), path):
        await LiveCard(card, language).build()


# NiceGUI answers 500 when a page takes over 3 s to build; on a saturated server a customer's
# card should come late rather than not at all (1,000 pages opening at once hit that limit).
CUSTOMER_PAGE_TIMEOUT = 15.0


def register() -> None:
    ui.page("/c/{token}", title="Stamp card", response_timeout=CUSTOMER_PAGE_TIMEOUT)(card_page)
    ui.page("/join/{template_id}", title="Get your stamp card", response_timeout=CUSTOMER_PAGE_TIMEOUT)(join_page)
    ui.page("/fairness", title="Fair draws")(fairness_page)
    ui.page("/admin/cards/{card_id}/view", title="Customer view")(customer_view_page)
    app.add_api_route("/join/{template_id}/poster.{fmt}", poster, methods=["GET"], include_in_schema=False)
