"""Live connections by the credential that opened them, so that ending a credential ends them.

Socket.IO connections (opened with an API key) and NiceGUI pages (opened by a signed-in owner
or staff seat) `hold` their subject (`api_key:<id>`, `owner:<id>`, `seat:<id>`) with a closer.
When an `access.ended` event for that subject arrives from any process, every closer runs: a
socket is disconnected; a page re-checks its browser's session and, when it no longer holds,
is sent to its sign-in page and dropped on the server, so a browser that ignores the
navigation cannot keep acting on it either.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger(__name__)

Closer = Callable[[], Awaitable[None] | None]


def subject(kind: str, subject_id: int) -> str:
    return f"{kind}:{subject_id}"


class LiveAccess:
    def __init__(self) -> None:
        self._held: dict[str, dict[int, Closer]] = {}
        self._next = 0
        self._running: set[asyncio.Task] = set()

    def hold(self, name: str, closer: Closer) -> Callable[[], None]:
        """Run `closer` when `name` ends; returns the function that lets go (on disconnect)."""
        self._next += 1
        token = self._next
        self._held.setdefault(name, {})[token] = closer

        def release() -> None:
            held = self._held.get(name, {})
            held.pop(token, None)
            if not held:
                self._held.pop(name, None)

        return release

    def held(self, name: str) -> int:
        return len(self._held.get(name, {}))

    async def end(self, name: str) -> None:
        """Run every closer of `name` (they let go themselves, or stay for the next end)."""
        for closer in list(self._held.get(name, {}).values()):
            try:
                result = closer()
                if inspect.isawaitable(result):
                    await result
            except Exception:
                log.exception("closing a connection of %s failed", name)

    def on_event(self, event: dict[str, Any]) -> None:
        """Event bus handler (`*`): never waits, the closers run in a task of their own."""
        if event.get("type") != "access.ended":
            return
        name = subject(str(event["kind"]), int(event["subject_id"]))
        if name not in self._held:
            return
        task = asyncio.create_task(self.end(name), name=f"end-{name}")
        self._running.add(task)
        task.add_done_callback(self._running.discard)
