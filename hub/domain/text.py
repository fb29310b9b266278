"""Text people type that we store and show again: names and email addresses.

One check for every path (join page, API, admin, sign-up), so what one path refuses no other
path lets in: surrounding space trimmed, a length limit, and no control characters (a NUL
cannot even be stored by PostgreSQL; a newline or an escape sequence has no place in a name).
"""

from __future__ import annotations

import unicodedata

from hub.errors import InvalidInput

# Control characters, unpaired surrogates, and line/paragraph separators.
_REFUSED = {"Cc", "Cs", "Zl", "Zp"}


def plain(text: str) -> bool:
    return not any(unicodedata.category(c) in _REFUSED for c in text)


def clean_name(value: str | None, *, field: str, message: str, max_length: int = 120) -> str:
    """A required name, trimmed; raises InvalidInput(`message`) when empty, too long or not plain text."""
    text = unicodedata.normalize("NFC", value or "").strip()
    if not text or len(text) > max_length or not plain(text):
        raise InvalidInput(message, field=field)
    return text


def clean_email(value: str | None, *, required: bool = False) -> str | None:
    """An email address, trimmed and lower-cased; None when empty and not required."""
    text = (value or "").strip().lower()
    if not text and not required:
        return None
    local, _, domain = text.partition("@")
    if not local or "." not in domain or len(text) > 254 or not plain(text) or any(c.isspace() for c in text):
        raise InvalidInput("That email address does not look right.", field="email")
    return text
