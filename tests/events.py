"""Capture the events an action emits, straight from the outbox it writes to; every captured
event must match the schema its type declares in `hub.realtime.events`."""

from __future__ import annotations

import typing

from hub.models import OutboxEvent
from hub.realtime.events import SCHEMAS


def check_schema(event: dict) -> None:
    schema = SCHEMAS.get(event["type"])
    assert schema is not None, f"{event['type']} is not a declared event"
    missing = schema.__required_keys__ - set(event)
    unknown = set(event) - set(typing.get_type_hints(schema)) - {"event_id"}
    assert not missing and not unknown, (event["type"], missing, unknown)


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
        if exc[0] is None:
            for event in self.events:
                check_schema(event)

    def of_type(self, kind: str) -> list[dict]:
        return [e for e in self.events if e["type"] == kind]
