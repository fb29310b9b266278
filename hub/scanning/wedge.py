"""What a keyboard-wedge scanner typed, cleaned before it reaches the domain.

The burst detection itself runs in the browser (it needs key timings); the server
only gets finished bursts and must not trust them further than any typed text.
"""

from __future__ import annotations

import re

MAX_LENGTH = 200
_KEY = re.compile(r"^[A-Za-z0-9_-]{8,128}$")


def clean_burst(text: object) -> str | None:
    """The code a scanner typed, or None when it cannot be one (too long, control characters)."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    if not text or len(text) > MAX_LENGTH or not text.isprintable():
        return None
    return text


def clean_key(key: object) -> str | None:
    """A browser-made idempotency key, so a re-sent burst never stamps twice."""
    if isinstance(key, str) and _KEY.match(key):
        return f"wedge-{key}"
    return None
