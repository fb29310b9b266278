"""Page-side subscriptions to the event bus, and the end of a page whose access ended; both end
with the page's client."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import Client, background_tasks, context, core

from hub.runtime import runtime


def subscribe(topic: str, handler: Callable[[dict[str, Any]], Any]) -> None:
    client = context.client

    async def deliver(event: dict[str, Any]) -> None:
        if client.is_deleted:
            return
        with client:
            result = handler(event)
            if inspect.isawaitable(result):
                await result

    unsubscribe = runtime().bus.subscribe(topic, deliver)
    client.on_delete(unsubscribe)


_holding: dict[str, set[str]] = {}


def hold_access(subject: str, still_valid: Callable[[], Awaitable[bool]], sign_in_path: str) -> None:
    """This page lives on `subject`'s access (`owner:<id>`, `seat:<id>`): when that access ends
    anywhere, the page re-checks `still_valid()` and, if it fails, is ended (`end_page`)."""
    client = context.client
    held = _holding.setdefault(client.id, set())
    if subject in held:
        return
    held.add(subject)

    async def recheck() -> None:
        if not client.is_deleted and not await still_valid():
            end_page(client, sign_in_path)

    release = runtime().access.hold(subject, recheck)

    def forget() -> None:
        release()
        _holding.pop(client.id, None)

    client.on_delete(forget)


NAVIGATION_GRACE = 0.3  # seconds for the browser to receive where to go before the page is dropped


def end_page(client: Client, path: str) -> None:
    """Send the browser to `path`, then drop the page on the server and close its sockets, so a
    browser that ignores the navigation has nothing left to act on."""
    if client.is_deleted:
        return
    client.open(path)

    async def drop() -> None:
        await asyncio.sleep(NAVIGATION_GRACE)
        if client.is_deleted:
            return
        # A browser that left as asked has a deletion pending for after NiceGUI's reconnect
        # timeout; this one replaces it (a second delete would fail).
        for task in client._delete_tasks.values():
            task.cancel()
        client._delete_tasks.clear()
        sockets = [sid for sid, _ in core.sio.manager.get_participants("/", client.id)]
        client.delete()
        for sid in sockets:
            with contextlib.suppress(Exception):
                await core.sio.disconnect(sid)

    background_tasks.create(drop(), name="end-page")
