"""Apple's PassKit web service under /passkit/v1, and the "Add to wallet" downloads.

Paths, status codes and the `Authorization: ApplePass <token>` scheme follow Apple's
"Adding a Web Service to Update Passes"; Wallet treats anything else as an error and
stops updating the pass.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse

from hub.api.types import db_int
from hub.config import settings
from hub.domain.cards import card_by_number, get_card_by_token
from hub.domain.templates import template_by_id
from hub.models import Card
from hub.render import pass_images as images
from hub.wallet import apple, passes, sync
from hub.wallet.config import wallet_config
from hub.wallet.content import PassContent, template_snapshot

log = logging.getLogger(__name__)

# In the OpenAPI document for completeness (and for the API fuzzing run); Apple Wallet is the client.
router = APIRouter(tags=["wallet (Apple PassKit web service)"])

MAX_LOG_LINES = 50
MAX_DEVICE_ID = 128  # Apple's device library identifiers are far shorter


async def _card(pass_type_id: str, serial: str) -> Card | None:
    number = db_int(serial)
    if pass_type_id != wallet_config().apple.pass_type_id or number is None:
        return None
    return await card_by_number(number)


def _authorized(request: Request, card: Card | None) -> bool:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return (
        card is not None and scheme == "ApplePass" and apple.check_token(settings().secret_key, card.id, token.strip())
    )


def _unauthorized() -> Response:
    return Response(status_code=401)


def _http_date(moment: datetime) -> str:
    return format_datetime(passes.whole_second(moment), usegmt=True)


def _if_modified_since(request: Request) -> datetime | None:
    value = request.headers.get("if-modified-since")
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    # "-0000" dates come back naive; HTTP dates are GMT by definition.
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


async def _pkpass_bytes(content: PassContent) -> bytes:
    conf, s = wallet_config(), settings()
    # Pillow and RSA signing take tens of milliseconds: keep them off the event loop.
    return await asyncio.to_thread(
        apple.build_pkpass, content, conf.apple, secret=s.secret_key, public_url=s.public_url
    )


@router.post("/passkit/v1/devices/{device_id}/registrations/{pass_type_id}/{serial}")
async def register_device(device_id: str, pass_type_id: str, serial: str, request: Request) -> Response:
    card = await _card(pass_type_id, serial)
    if not _authorized(request, card):
        return _unauthorized()
    assert card is not None
    try:
        body = await request.json()
    except ValueError:
        body = None
    push_token = body.get("pushToken") if isinstance(body, dict) else None
    if not isinstance(push_token, str) or not 0 < len(push_token) <= 256 or not 0 < len(device_id) <= MAX_DEVICE_ID:
        return Response(status_code=400)
    created = await passes.register_device(card.id, device_id, push_token)
    return Response(status_code=201 if created else 200)


@router.delete("/passkit/v1/devices/{device_id}/registrations/{pass_type_id}/{serial}")
async def unregister_device(device_id: str, pass_type_id: str, serial: str, request: Request) -> Response:
    card = await _card(pass_type_id, serial)
    if not _authorized(request, card):
        return _unauthorized()
    assert card is not None
    if len(device_id) <= MAX_DEVICE_ID:
        await passes.unregister_device(card.id, device_id)
    return Response(status_code=200)


@router.get("/passkit/v1/devices/{device_id}/registrations/{pass_type_id}")
async def updated_serials(device_id: str, pass_type_id: str, passesUpdatedSince: str | None = None) -> Response:  # noqa: N803
    if pass_type_id != wallet_config().apple.pass_type_id:
        return Response(status_code=404)
    if len(device_id) > MAX_DEVICE_ID:
        return Response(status_code=204)
    await sync.refresh_device_passes(device_id)
    serials, tag = await passes.serials_since(device_id, passes.parse_tag(passesUpdatedSince))
    if not serials:
        return Response(status_code=204)
    return JSONResponse({"serialNumbers": serials, "lastUpdated": tag})


@router.get("/passkit/v1/passes/{pass_type_id}/{serial}")
async def latest_pass(pass_type_id: str, serial: str, request: Request) -> Response:
    card = await _card(pass_type_id, serial)
    if not _authorized(request, card):
        return _unauthorized()
    assert card is not None
    content, row = await sync.current_pass(card)
    last_modified = {"Last-Modified": _http_date(row.updated_at)}
    since = _if_modified_since(request)
    if since is not None and passes.whole_second(row.updated_at) <= since:
        # The device already holds this version: that is a delivery receipt too.
        await passes.record_fetch(card.id, row.version)
        return Response(status_code=304, headers=last_modified)
    data = await _pkpass_bytes(content)
    await passes.record_fetch(card.id, row.version)
    return Response(data, media_type=apple.CONTENT_TYPE, headers={**last_modified, "Cache-Control": "no-cache"})


@router.post("/passkit/v1/log")
async def device_log(request: Request) -> Response:
    try:
        body = await request.json()
    except ValueError:
        body = None
    lines = body.get("logs") if isinstance(body, dict) else None
    for line in (lines if isinstance(lines, list) else [])[:MAX_LOG_LINES]:
        log.warning("Apple Wallet reported: %s", str(line)[:500])
    return Response(status_code=200)


@router.get("/wallet/apple/{token}.pkpass", include_in_schema=False)
async def download_pass(token: str) -> Response:
    card = await get_card_by_token(token)
    if card is None:
        return Response(status_code=404)
    content, row = await sync.current_pass(card)
    return Response(
        await _pkpass_bytes(content),
        media_type=apple.CONTENT_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="card-{card.number}.pkpass"',
            "Last-Modified": _http_date(row.updated_at),
            "Cache-Control": "no-store",
        },
    )


@router.get("/wallet/google/logo/{template_id}-{version}.png", include_in_schema=False)
async def google_program_logo(template_id: str, version: str) -> Response:
    template_number, version_number = db_int(template_id), db_int(version)
    template = await template_by_id(template_number) if template_number else None
    if template is None or version_number is None:
        return Response(status_code=404)
    snapshot = await template_snapshot(template, version_number)
    data = await asyncio.to_thread(images.program_logo, snapshot.get("design") or {})
    return Response(data, media_type="image/png", headers={"Cache-Control": "public, max-age=86400"})


@router.get("/wallet/google/{token}", include_in_schema=False)
async def save_to_google(token: str) -> Response:
    if wallet_config().google is None:
        return Response(status_code=404)
    card = await get_card_by_token(token)
    if card is None:
        return Response(status_code=404)
    return RedirectResponse(await sync.google_save_link(card), status_code=303)
