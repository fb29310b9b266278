"""The Google pass's rotating barcode: `T.<card number>.<TOTP>`.

Google Wallet computes the code on the phone from a per-card key (RFC 6238, SHA-1,
8 digits, 30-second steps), so a screenshot of the pass stops scanning within a minute.
The key is derived from SECRET_KEY and the card number; the scanner recomputes it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import struct
from typing import Any, Literal

from hub import clock

PERIOD_SECONDS = 30
DIGITS = 8
# How far back a genuine code is still recognised as such (to say "expired", not "forged").
STALE_WINDOWS = 120
_CODE = re.compile(r"^T\.(\d{1,12})\.(\d{8})$")


def totp_key(secret: bytes, number: int) -> bytes:
    return hmac.new(secret, f"totp:{number}".encode(), hashlib.sha256).digest()[:20]


def totp(key: bytes, moment: float, *, period: int = PERIOD_SECONDS, digits: int = DIGITS) -> str:
    counter = int(moment // period)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def google_rotating_barcode(secret: bytes, number: int) -> dict[str, Any]:
    return {
        "type": "QR_CODE",
        "valuePattern": f"T.{number}.{{totp_value_0}}",
        "alternateText": f"#{number}",
        "totpDetails": {
            "periodMillis": str(PERIOD_SECONDS * 1000),
            "algorithm": "TOTP_SHA1",
            "parameters": [{"key": totp_key(secret, number).hex(), "valueLength": DIGITS}],
        },
    }


def verify_rotating_code(secret: bytes, raw: str, *, now: float | None = None) -> int | None:
    """The card number when the code is valid for this window or the one before, else None.

    The previous window is accepted so a code that rolls over while the scanner reads it
    still passes; older codes (screenshots) do not.
    """
    match = _CODE.match((raw or "").strip().upper())
    if not match:
        return None
    number, code = int(match.group(1)), match.group(2)
    now = clock.timestamp() if now is None else now
    key = totp_key(secret, number)
    for moment in (now, now - PERIOD_SECONDS):
        if hmac.compare_digest(totp(key, moment), code):
            return number
    return None


def check_rotating_code(
    secret: bytes, raw: str, *, now: float | None = None
) -> tuple[Literal["valid", "stale", "forged"], int | None]:
    """Classify a `T.` code for the scanner: valid now, genuine but expired (a screenshot),
    or never ours. Returns the outcome and the card number it names."""
    match = _CODE.match((raw or "").strip().upper())
    if not match:
        return "forged", None
    number = int(match.group(1))
    if verify_rotating_code(secret, raw, now=now) is not None:
        return "valid", number
    now = clock.timestamp() if now is None else now
    key, code = totp_key(secret, number), match.group(2)
    for step in range(2, STALE_WINDOWS + 1):
        if hmac.compare_digest(totp(key, now - step * PERIOD_SECONDS), code):
            return "stale", number
    return "forged", number
