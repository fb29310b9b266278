"""Page-side subscriptions to the event bus; they end with the page's client."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from nicegui import context

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
