"""A card held in front of the camera is read many times a second; it must count once."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

# Card codes rotate (`R.<number>.<window>.<mac>`), so a card left in view across a rollover
# reads as new text; what counts is which card or voucher it is.
_IDENTITY = re.compile(r"^([CRV])\.(\d{1,12})\.", re.IGNORECASE)


def identity(code: str) -> str:
    match = _IDENTITY.match(code.strip())
    if not match:
        return code.strip()
    kind = "voucher" if match.group(1).upper() == "V" else "card"
    return f"{kind}:{int(match.group(2))}"


class RepeatGuard:
    """Accepts a code once, then ignores it while it keeps being seen.

    The window slides with every sighting, so a card left in view never stamps twice;
    taking it away for `window` seconds and showing it again counts as a new scan
    (a second coffee).
    """

    def __init__(self, window: float = 4.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.window = window
        self._clock = clock
        self._last_seen: dict[str, float] = {}

    def fresh(self, code: str) -> bool:
        code = identity(code)
        now = self._clock()
        self._last_seen = {c: t for c, t in self._last_seen.items() if now - t < self.window}
        seen = code in self._last_seen
        self._last_seen[code] = now
        return not seen

    def hold(self, code: str, until: float) -> None:
        """Counts `code` as in view until `until`: while the camera rests after a read (and
        while the result is being shown) nobody is looking, so its absence cannot be seen."""
        key = identity(code)
        self._last_seen[key] = max(self._last_seen.get(key, until), until, self._clock())

    def forget(self) -> None:
        self._last_seen.clear()
