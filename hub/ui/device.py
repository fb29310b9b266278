"""Which browser a page runs in: sign-in limits and sessions are kept per device."""

from __future__ import annotations

from nicegui import app


def device_id() -> str:
    """This browser: NiceGUI's session id, kept in its signed cookie. Call while building a page."""
    return str(app.storage.browser.get("id", ""))
