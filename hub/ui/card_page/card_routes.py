"""/c/<token>: the customer's card as a server-rendered page, and the three small requests its
script makes: the card's current state (on every event and every reconnect), the next
rotating code, and the reveal of a lottery draw after its spin.

No NiceGUI client is created: what stays on the server per open page is one Socket.IO room
membership (`card:<token>`, joined by static/card.js on the hub at /rt/socket.io).
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse

from hub.domain import codes
from hub.domain.card_view import CardView, card_for_page, current_view
from hub.domain.lottery import prize_image, reveal_draw
from hub.errors import NotFound
from hub.i18n import Lang
from hub.models import Card
from hub.runtime import runtime
from hub.ui.card_page import card_html, views
from hub.ui.card_page.html import SECURITY_HEADERS, page, page_language
from hub.ui.card_page.remembered import remember_card
from hub.ui.card_render import qr_svg_data_url


def _not_found(lang: Lang, path: str) -> HTMLResponse:
    message = lang._("This card does not exist or was deleted.")
    return page("message.html", lang, title=message, path=path, status=404, message=message, mark="not-found")


async def _read(
    card: Card, lang: Lang, *, shown: int | None = None, unless: str | None = None
) -> tuple[str | None, str, CardView]:
    """(body html, version, view) of the card as it is now; no html when the version is `unless`
    (the page shows that already)."""
    view = await current_view(card)
    links = await views.wallet_links_of(view) if not view.deleted else []
    version = card_html.version(view, links)
    if version == unless:
        return None, version, view
    new = max(view.stamps - shown, 0) if shown is not None else 0
    body = card_html.card_body(
        view, lang, runtime().settings.secret_key, links, join_url=f"/join/{card.template_id}", new_stamps=new
    )
    return body, version, view


async def card_page(request: Request, token: str, lang: str | None = None, back: str | None = None) -> HTMLResponse:
    language = page_language(request, lang)
    path = f"/c/{token}"
    card = await card_for_page(token)
    if card is None:
        return _not_found(language, path)
    if card.deleted_at is not None:
        message = language._("This card was deleted.")
        link = {"url": f"/join/{card.template_id}", "mark": "new-card", "text": language._("Get a new card")}
        return page(
            "message.html", language, title=message, path=path, status=404, message=message, mark="deleted", link=link
        )
    remember_card(card)
    body, version, view = await _read(card, language)
    return page(
        "card.html",
        language,
        title=language._("Your stamp card"),
        path=path,
        token=card.token,
        card_body=body,
        version=version,
        stamps=view.stamps,
        holder=view.holder,
        not_you_url=f"/join/{card.template_id}?fresh=1" if back else None,
    )


def _json(payload: dict[str, Any], status: int = 200) -> JSONResponse:
    return JSONResponse(payload, status_code=status, headers=SECURITY_HEADERS)


async def card_state(
    request: Request, token: str, shown: int | None = None, v: str | None = None, lang: str | None = None
) -> JSONResponse:
    """What the page's live part shows now: `shown` is the stamp count on screen (new ones pop),
    `v` the version on screen (the same again comes without html)."""
    language = page_language(request, lang)
    card = await card_for_page(token)
    if card is None:
        return _json({"error": "not_found"}, 404)
    body, version, view = await _read(card, language, shown=shown, unless=v)
    draws = [] if view.deleted else [card_html.draw_box(d, card.token, language) for d in view.unwatched_draws]
    state = {"v": version, "stamps": view.stamps, "deleted": view.deleted, "draws": draws}
    return _json(state if body is None else {**state, "html": body})


async def card_code(token: str) -> JSONResponse:
    """The card's code for the current window, and when the next one starts (server time, so
    the phone's own clock does not matter)."""
    card = await card_for_page(token)
    if card is None or card.deleted_at is not None:
        return _json({"error": "not_found"}, 404)
    code = codes.rotating_card_code(runtime().settings.secret_key, card.number)
    return _json({"qr": qr_svg_data_url(code), "rotates_in": codes.seconds_to_rotation()})


async def reveal(request: Request, token: str, draw_id: int, lang: str | None = None) -> JSONResponse:
    language = page_language(request, lang)
    try:
        draw = await reveal_draw(token, draw_id)
    except NotFound:  # the card was deleted mid-spin; its page says so once redrawn
        return _json({"error": "not_found"}, 404)
    return _json({"html": card_html.draw_result(draw, language, image_url=await prize_image(draw))})
