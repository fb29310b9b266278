"""The RQ worker every `stamphub worker` runs: RQ's in-process SimpleWorker."""

from __future__ import annotations

from typing import Any

from rq import SimpleWorker


class Worker(SimpleWorker):
    """`commands=False` (burst runs) skips RQ's command channel: a burst worker ends when its
    queue is empty and nobody sends it commands, while the channel's thread, parked in a timed
    wait after the unsubscribe, holds up the exit (for good where the timed wait never expires,
    as under libfaketime)."""

    def __init__(self, *args: Any, commands: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = commands

    def subscribe(self) -> None:
        if self.commands:
            super().subscribe()
