"""The installable, offline-capable scanner and kiosk: web app manifests and icons, the service
worker, and the one endpoint a page sends its queue of offline scans to.

The page's own offline side (queue in IndexedDB, banner, verdict list, install hint) is
static/offline.js: while the server is away the NiceGUI page cannot draw anything, so that
script owns its few elements itself.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from nicegui import app, ui

from hub import admission
from hub.clock import utcnow, zone
from hub.domain import queued_scans
from hub.domain.outcomes import ScanResult
from hub.domain.staff_sessions import SESSION_KEY, SeatContext
from hub.domain.templates import brand_design
from hub.errors import DomainError
from hub.render.pass_images import app_icon
from hub.runtime import runtime
from hub.scanning.wedge import clean_burst
from hub.ui.scanner.assets import STATIC_DIR
from hub.ui.scanner.verdicts import from_error, from_result

log = logging.getLogger(__name__)

SYNC_URL = "/scanner/sync"
WORKER_URL = "/scanner-sw.js"
ICON_SIZES = (192, 512)
MAX_BATCH = 50
SURFACES = {
    # path: (name suffix, display)
    "scanner": ("scanner", "standalone"),
    "kiosk": ("kiosk", "fullscreen"),
}


def include(surface: str, ctx: SeatContext | None) -> None:
    """The page's manifest, its offline script, and what the script needs to know of the seat."""
    config = {"surface": surface, "syncUrl": SYNC_URL, "worker": WORKER_URL, "scope": f"/{surface}"}
    if ctx is not None:
        config |= {"seat": ctx.seat_id, "seatName": ctx.seat.name}
    version = int((STATIC_DIR / "offline.js").stat().st_mtime)
    ui.add_head_html(
        # The manifest is the signed-in business's, so it is fetched with the session cookie.
        f'<link rel="manifest" href="/{surface}/manifest.webmanifest" crossorigin="use-credentials">'
        '<meta name="theme-color" content="#1e293b">'
        '<meta name="mobile-web-app-capable" content="yes">'
        f'<link rel="apple-touch-icon" href="/{surface}/icon-192.png">'
        f'<script src="/scanner-assets/offline.js?v={version}"></script>'
        f"<script>StamphubOffline.configure({json.dumps(config)})</script>"
    )


async def _seat() -> SeatContext | None:
    try:
        return await queued_scans.seat_for_queue(app.storage.user.get(SESSION_KEY))
    except DomainError:
        return None


async def _design(ctx: SeatContext | None) -> dict[str, Any]:
    if ctx is None:
        return {}
    return await brand_design(ctx.business_id)


async def manifest(surface: str) -> Response:
    suffix, display = SURFACES[surface]
    ctx = await _seat()
    design = await _design(ctx)
    name = f"{ctx.business.name} {suffix}" if ctx else f"Stamphub {suffix}"
    body = {
        "name": name,
        "short_name": name[:12] if ctx else suffix.capitalize(),
        "id": f"/{surface}",
        "start_url": f"/{surface}",
        "scope": f"/{surface}",
        "display": display,
        "orientation": "any",
        "background_color": design.get("background") or "#1e293b",
        "theme_color": "#1e293b",
        "icons": [
            {"src": f"/{surface}/icon-{px}.png", "sizes": f"{px}x{px}", "type": "image/png", "purpose": "any maskable"}
            for px in ICON_SIZES
        ],
    }
    return Response(
        json.dumps(body), media_type="application/manifest+json", headers={"Cache-Control": "private, no-cache"}
    )


async def icon(px: int) -> Response:
    if px not in ICON_SIZES:
        return Response(status_code=404)
    design = await _design(await _seat())
    png = await asyncio.to_thread(app_icon, design, px)
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


async def service_worker() -> Response:
    # Never cached by HTTP: the browser checks the worker for updates on every visit.
    script = (STATIC_DIR / "sw.js").read_text()
    return Response(script, media_type="application/javascript", headers={"Cache-Control": "no-cache"})


async def sync(request: Request) -> JSONResponse:
    """Take queued scans in order, each exactly once per key, for this device's signed-in seat.

    Answers each with a verdict line; `keep` tells the page to hold on to a scan that was not
    decided (sent under another seat, or the server failed) instead of dropping it.
    """
    try:
        ctx = await queued_scans.seat_for_queue(app.storage.user.get(SESSION_KEY))
    except DomainError as error:
        return JSONResponse(error.as_dict(), status_code=error.status)  # as hub/api/problems.py
    try:
        body = await request.json()
    except ValueError:
        return _problem(422, "invalid_input", "Send the queue as JSON.")
    scans = body.get("scans") if isinstance(body, dict) else None
    sent_ms = body.get("sent_at") if isinstance(body, dict) else None
    if not isinstance(scans, list) or not 0 < len(scans) <= MAX_BATCH or not isinstance(sent_ms, int):
        return _problem(422, "invalid_input", f"Send between 1 and {MAX_BATCH} scans and the time they were sent.")
    tz = zone(ctx.business.timezone)
    verdicts = []
    for item in scans:
        verdicts.append(await _one(ctx, item if isinstance(item, dict) else {}, sent_ms, tz))
        if verdicts[-1]["reason"] == "seat_revoked":  # the rest would be refused the same way
            return _problem(403, "seat_revoked", verdicts[-1]["detail"], verdicts=verdicts)
    return JSONResponse({"verdicts": verdicts})


async def _one(ctx: SeatContext, item: dict[str, Any], sent_ms: int, tz) -> dict[str, Any]:
    raw_key, code, scanned_ms = item.get("key"), clean_burst(item.get("code")), item.get("scanned_at")
    at, _ = queued_scans.scan_time(scanned_ms, sent_ms, utcnow()) if isinstance(scanned_ms, int) else (None, 0)
    when = (at or utcnow()).astimezone(tz).strftime("%H:%M")
    answer: dict[str, Any] = {"key": raw_key, "keep": False}
    if item.get("seat") != ctx.seat_id:
        detail = "Scanned under another staff login: sign in with it to send this scan, or discard it."
        return answer | _verdict(when, "rejected", "Not sent", detail, "other_seat") | {"keep": True}
    try:
        key = queued_scans.check_key(raw_key)
        if code is None or not isinstance(scanned_ms, int):
            raise DomainError("This queued scan is unreadable.")
        async with admission.slot():
            result = await queued_scans.send_queued_scan(
                ctx, code, secret=runtime().settings.secret_key, key=key, scanned_ms=scanned_ms, sent_ms=sent_ms
            )
    except DomainError as error:
        verdict = from_error(error)
        return answer | _verdict(when, verdict.tone, verdict.headline, verdict.detail, error.code)
    except Exception:
        log.exception("queued scan failed at seat %s", ctx.seat_id)
        return answer | _verdict(when, "rejected", "Not processed", "Will be sent again.", "error") | {"keep": True}
    return answer | _result(when, result)


def _result(when: str, result: ScanResult) -> dict[str, Any]:
    verdict = from_result(result)
    card = f"card {result.card.number}"
    progress = f"{result.card.stamps}/{result.template.stamps_required}"
    if result.detail.get("already_sent"):
        line = f"{when} {card} stamped {progress} (sent before)"
    elif result.outcome == "stamped":
        line = f"{when} {card} stamped {progress}"
    elif result.outcome == "reward":
        line = f"{when} {card} full — {verdict.headline.lower()}: {verdict.detail.split('.')[0]}"
    else:
        line = f"{when} {card} {verdict.headline[0].lower()}{verdict.headline[1:]}"
    return {
        "tone": verdict.tone,
        "line": line,
        "headline": verdict.headline,
        "detail": verdict.detail,
        "reason": result.reason,
        "number": result.card.number,
        "stamps": result.card.stamps,
    }


def _verdict(when: str, tone: str, headline: str, detail: str, reason: str) -> dict[str, Any]:
    line = f"{when} {headline}: {detail}"
    return {"tone": tone, "line": line, "headline": headline, "detail": detail, "reason": reason}


def _problem(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": code, "message": message, **extra}, status_code=status)


def register() -> None:
    app.add_api_route(SYNC_URL, sync, methods=["POST"], include_in_schema=False)
    app.add_api_route(WORKER_URL, service_worker, methods=["GET"], include_in_schema=False)
    for surface in SURFACES:
        app.add_api_route(
            f"/{surface}/manifest.webmanifest", _manifest_of(surface), methods=["GET"], include_in_schema=False
        )
        app.add_api_route(f"/{surface}/icon-{{px}}.png", icon, methods=["GET"], include_in_schema=False)


def _manifest_of(surface: str):
    async def route() -> Response:
        return await manifest(surface)

    return route
