"""One ASGI process: NiceGUI pages, the REST API and the Socket.IO hub."""

from __future__ import annotations

import socketio
from nicegui import app as nicegui_app
from nicegui import ui

from hub.api.app import create_api_app
from hub.realtime.sockets import SOCKETIO_PATH, create_socket_server
from hub.runtime import create_runtime


def build_app(redis_url: str | None = None) -> socketio.ASGIApp:
    rt = create_runtime(redis_url)
    fastapi_app = create_api_app()

    from hub.ui import pages

    pages.register()
    nicegui_app.on_startup(lambda: rt.start())
    nicegui_app.on_shutdown(lambda: rt.stop())
    ui.run_with(
        fastapi_app,
        title="Stamphub",
        favicon="🎟️",
        storage_secret=rt.settings.secret_key.decode(),
        show_welcome_message=False,
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
    return socketio.ASGIApp(sio, other_asgi_app=fastapi_app, socketio_path=SOCKETIO_PATH)
