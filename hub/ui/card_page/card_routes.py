"""/c/<token>: the customer's card as a server-rendered page, and the small requests its script
makes: the card's current state (on every event and every reconnect), the next rotating code,
the reveal of a lottery draw after its spin, a message opened in the inbox, and the browser's
Web Push subscription ("Notify me"); plus the service worker that shows those notifications.

No NiceGUI client is created: what stays on the server per open page is one Socket.IO room
membership (`card:<token>`, joined by static/card.js on the hub at /rt/socket.io).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from hub import ratelimit
from hub.delivery.web_push import public_key
from hub.domain import codes, inbox, web_push
from hub.domain.card_view import CardView, card_for_page, current_view
from hub.domain.lottery import prize_image, reveal_draw
from hub.errors import DomainError, InvalidInput, NotFound, RateLimited
from hub.i18n import Lang
from hub.models import Card
from hub.render.qr import svg_data_url
from hub.runtime import runtime
from hub.ui.card_page import card_html, views
from hub.ui.card_page.html import SECURITY_HEADERS, page, page_language
from hub.ui.card_page.remembered import remember_card


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
    path = f"/c/{token}"
    card = await card_for_page(token)
    language = page_language(request, lang, card.business.language if card else None)
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
        push_key=_push_key(runtime().settings.vapid_private_key),
    )


def _json(payload: dict[str, Any], status: int = 200) -> JSONResponse:
    return JSONResponse(payload, status_code=status, headers=SECURITY_HEADERS)


async def card_state(
    request: Request, token: str, shown: int | None = None, v: str | None = None, lang: str | None = None
) -> JSONResponse:
    """What the page's live part shows now: `shown` is the stamp count on screen (new ones pop),
    `v` the version on screen (the same again comes without html)."""
    card = await card_for_page(token)
    language = page_language(request, lang, card.business.language if card else None)
    payload, status = await state_of(card, language, shown=shown, unless=v)
    return _json(payload, status)


async def state_of(card: Card | None, language: Lang, *, shown: int | None, unless: str | None) -> tuple[dict, int]:
    if card is None:
        return {"error": "not_found"}, 404
    body, version, view = await _read(card, language, shown=shown, unless=unless)
    draws = [] if view.deleted else [card_html.draw_box(d, card.token, language) for d in view.unwatched_draws]
    # `total` never falls back when a full card starts again, so a late answer is recognisable.
    state = {"v": version, "stamps": view.stamps, "total": card.stamps_total, "deleted": view.deleted, "draws": draws}
    return (state if body is None else {**state, "html": body}), 200


async def card_code(token: str) -> JSONResponse:
    """The card's code for the current window, and when the next one starts (server time, so
    the phone's own clock does not matter)."""
    payload, status = await code_of(token)
    return _json(payload, status)


async def code_of(token: str) -> tuple[dict, int]:
    card = await card_for_page(token)
    if card is None or card.deleted_at is not None:
        return {"error": "not_found"}, 404
    code = codes.rotating_card_code(runtime().settings.secret_key, card.number)
    return {"qr": svg_data_url(code), "rotates_in": codes.seconds_to_rotation()}, 200


async def reveal(request: Request, token: str, draw_id: int, lang: str | None = None) -> JSONResponse:
    language = page_language(request, lang)
    try:
        draw = await reveal_draw(token, draw_id)
    except NotFound:  # the card was deleted mid-spin; its page says so once redrawn
        return _json({"error": "not_found"}, 404)
    return _json({"html": card_html.draw_result(draw, language, image_url=await prize_image(draw))})


@functools.cache
def _push_key(private_key: str) -> str:
    return public_key(private_key)


async def _limit(request: Request, what: str) -> None:
    """Writes from card pages: plenty for a customer, too few for a script."""
    rt = runtime()
    client = request.client.host if request.client else "unknown"
    await ratelimit.hit(rt.redis, rt.settings.redis_prefix, f"card-{what}:{client}", limit=60, window=60)


def _problem(error: DomainError) -> JSONResponse:
    return _json(error.as_dict(), error.status)


async def read_message(request: Request, token: str, message_id: int) -> JSONResponse:
    """The customer opened a message: read from now on; answers the unread count left."""
    try:
        await _limit(request, "inbox")
    except RateLimited as error:
        return _problem(error)
    unread = await inbox.mark_read(token, message_id)
    if unread is None:
        return _json({"error": "not_found"}, 404)
    return _json({"unread": unread})


async def _subscription(request: Request) -> dict[str, Any]:
    try:
        data = await request.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise InvalidInput("Send the browser's push subscription as JSON.")
    keys = data.get("keys") if isinstance(data.get("keys"), dict) else {}
    return {
        "endpoint": str(data.get("endpoint") or ""),
        "p256dh": str(keys.get("p256dh") or ""),
        "auth": str(keys.get("auth") or ""),
    }


async def push_subscribe(request: Request, token: str) -> JSONResponse:
    """ "Notify me": keep this browser's Web Push subscription for the card."""
    try:
        await _limit(request, "push")
        sub = await _subscription(request)
        await web_push.subscribe(token, sub["endpoint"], sub["p256dh"], sub["auth"])
    except DomainError as error:
        return _problem(error)
    return _json({"subscribed": True}, 201)


async def push_unsubscribe(request: Request, token: str) -> JSONResponse:
    try:
        await _limit(request, "push")
        sub = await _subscription(request)
    except DomainError as error:
        return _problem(error)
    await web_push.unsubscribe(token, sub["endpoint"])
    return _json({"subscribed": False})


SERVICE_WORKER = Path(__file__).resolve().parent / "static" / "card-sw.js"


async def service_worker() -> Response:
    # At the root so that its scope can be /c/; never cached, so an update reaches every phone.
    return Response(
        SERVICE_WORKER.read_text(),
        media_type="application/javascript",
        headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"},
    )
