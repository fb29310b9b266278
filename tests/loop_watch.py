"""How long the event loop went without a turn while a block ran: work moved off the loop
leaves every other page and request of the process served."""

from __future__ import annotations

import asyncio
import time


class LoopWatch:
    """`async with LoopWatch() as watch: ...`, then `watch.longest` (seconds) and `watch.took`."""

    def __init__(self, tick: float = 0.01) -> None:
        self.tick = tick
        self.longest = 0.0
        self.took = 0.0
        self._running = False
        self._task: asyncio.Task | None = None

    async def _watch(self) -> None:
        last = time.perf_counter()
        while self._running:
            await asyncio.sleep(self.tick)
            now = time.perf_counter()
            self.longest = max(self.longest, now - last)
            last = now

    async def __aenter__(self) -> LoopWatch:
        self._running = True
        self._started = time.perf_counter()
        self._task = asyncio.create_task(self._watch())
        return self

    async def __aexit__(self, *_: object) -> None:
        self.took = time.perf_counter() - self._started
        self._running = False
        assert self._task is not None
        await self._task
