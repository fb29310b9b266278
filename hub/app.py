"""One ASGI process: NiceGUI pages, the REST API and the Socket.IO hub."""

from __future__ import annotations

import shutil
from pathlib import Path

import socketio
from fastapi.middleware.gzip import GZipMiddleware
from nicegui import app as nicegui_app
from nicegui import ui
from nicegui.storage import Storage

from hub.api.app import create_api_app, served
from hub.realtime.sockets import SOCKETIO_PATH, create_socket_server
from hub.runtime import create_runtime

SESSION_DAYS = 400


def build_app(redis_url: str | None = None) -> socketio.ASGIApp:
    rt = create_runtime(redis_url)
    fastapi_app = create_api_app()

    from hub.ui import pages

    pages.register()
    # Sessions (a staff seat signed in on its device) are kept in the data folder, next to the
    # secret that signs their cookie, so a restart or a deploy signs nobody out.
    if not rt.settings.sessions_placed:
        Storage.path = _session_dir(rt.settings.data_dir)
    nicegui_app.on_startup(lambda: rt.start())
    nicegui_app.on_shutdown(lambda: rt.stop())
    ui.run_with(
        fastapi_app,
        title="Stamphub",
        favicon="🎟️",
        storage_secret=rt.settings.secret_key.decode(),
        # A seat stays signed in on its device until it signs out or is revoked; the cookie is
        # renewed by every visit and lasts as long as browsers allow.
        session_middleware_kwargs={"max_age": SESSION_DAYS * 86400},
        show_welcome_message=False,
        # Level 9 (the default) spends three times the CPU of level 5 for a few percent fewer
        # bytes; a crowd opening card pages makes that CPU the server's limit.
        gzip_middleware_factory=lambda app: GZipMiddleware(app, minimum_size=500, compresslevel=5),
        # A phone on a weak network or a busy server should not lose its page state at once.
        reconnect_timeout=10.0,
    )
    sio = create_socket_server(
        rt.redis_url,
        rt.settings.socketio_channel,
        rt.bus,
        redis=rt.redis,
        prefix=rt.settings.redis_prefix,
        access=rt.access,
    )
    from hub.ui.card_page.fast_lane import FastLane

    return socketio.ASGIApp(sio, other_asgi_app=FastLane(served(fastapi_app)), socketio_path=SOCKETIO_PATH)


def _session_dir(data_dir: Path) -> Path:
    """Sessions used to live in `.nicegui` in the working folder: taken over once, so the
    move signs nobody out."""
    target = data_dir / "sessions"
    legacy = Path(".nicegui").resolve()
    if not target.exists() and legacy.is_dir():
        shutil.copytree(legacy, target, dirs_exist_ok=True)  # several processes may start at once
    return target
