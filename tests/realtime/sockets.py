"""A Socket.IO watcher as a customer's phone or a POS dashboard would be."""

from __future__ import annotations

import asyncio
from typing import Any

import socketio


class Watcher:
    def __init__(self) -> None:
        self.client = socketio.AsyncClient(reconnection=True)
        self.events: list[tuple[str, dict[str, Any]]] = []
        self._arrived = asyncio.Event()

        @self.client.on("*")
        async def any_event(name: str, data: dict[str, Any]) -> None:
            self.events.append((name, data))
            self._arrived.set()

    async def connect(self, url: str, auth: dict[str, str]) -> Watcher:
        await self.client.connect(url, socketio_path="rt/socket.io", auth=auth, transports=["websocket"])
        return self

    async def wait_for(self, name: str, timeout: float = 10.0, **match: Any) -> dict[str, Any]:
        async def find() -> dict[str, Any]:
            while True:
                for event_name, data in self.events:
                    if event_name == name and all(data.get(k) == v for k, v in match.items()):
                        return data
                self._arrived.clear()
                await self._arrived.wait()

        return await asyncio.wait_for(find(), timeout)

    async def close(self) -> None:
        await self.client.disconnect()
