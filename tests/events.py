"""Capture the events an action emits, straight from the outbox it writes to."""

from __future__ import annotations

from hub.models import OutboxEvent


class CapturedEvents:
    def __init__(self) -> None:
        self.after = 0
        self.events: list[dict] = []

    async def __aenter__(self) -> CapturedEvents:
        last = await OutboxEvent.all().order_by("-id").first()
        self.after = last.id if last else 0
        return self

    async def __aexit__(self, *exc: object) -> None:
        rows = await OutboxEvent.filter(id__gt=self.after).order_by("id")
        self.events = [row.payload for row in rows]

    def of_type(self, kind: str) -> list[dict]:
        return [e for e in self.events if e["type"] == kind]
