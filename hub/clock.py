"""The one clock: every timestamp the product writes or compares comes from here.

Domain code, the ORM's `created_at`/`updated_at` columns (hub/models/fields.py), signed codes
and the relay all ask `utcnow()` or `timestamp()`, so a row written "now" and a check made
"now" can never disagree. Tests inject a `SetClock` with `use()`; nothing patches modules.
Elapsed-time measurements (timeouts, back-off, caches) stay on `time.monotonic()`: they are
durations, never stored or compared with a stored time.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class SetClock:
    """A clock that starts at a chosen instant and runs on from there at real speed (so rows
    written one after another keep their order), or stands still with `frozen=True`.
    `advance()` and `set()` move it; the system clock is never consulted for the date."""

    def __init__(self, at: datetime, *, frozen: bool = False) -> None:
        self.frozen = frozen
        self.set(at)

    def set(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("SetClock needs an aware datetime")
        self._at = at.astimezone(UTC)
        self._since = time.monotonic()

    def advance(self, delta: timedelta | None = None, **parts: float) -> datetime:
        self.set(self.now() + (delta or timedelta(**parts)))
        return self.now()

    def now(self) -> datetime:
        if self.frozen:
            return self._at
        return self._at + timedelta(seconds=time.monotonic() - self._since)


_clock: Clock = SystemClock()


def current() -> Clock:
    return _clock


@contextmanager
def use(clock: Clock) -> Iterator[Clock]:
    """Run the block (and whatever it awaits in this process) on `clock`."""
    global _clock
    previous, _clock = _clock, clock
    try:
        yield clock
    finally:
        _clock = previous


def utcnow() -> datetime:
    return _clock.now()


def timestamp() -> float:
    """Seconds since the epoch on the one clock (signed codes, webhook signatures, tokens)."""
    return _clock.now().timestamp()


def zone(name: str | None) -> ZoneInfo:
    """A business's time zone; a missing or unknown name is UTC."""
    try:
        return ZoneInfo(name or "UTC")
    except Exception:
        return ZoneInfo("UTC")


def local_today(tz: tzinfo | str | None, now: datetime | None = None) -> date:
    """Today's date where the business is: birthdays, daily caps, analytics days and billing
    months all start from this one answer."""
    if not isinstance(tz, tzinfo):
        tz = zone(tz)
    return (now or utcnow()).astimezone(tz).date()


def day_start(day: date, tz: tzinfo | str | None) -> datetime:
    """The UTC instant at which the local `day` begins (exact across daylight saving changes).

    In UTC because SQLite compares stored timestamps as text: every bound must share their offset.
    """
    if not isinstance(tz, tzinfo):
        tz = zone(tz)
    return datetime.combine(day, datetime.min.time(), tzinfo=tz).astimezone(UTC)
