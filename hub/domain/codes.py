"""Signed scan codes, redeem codes and card page tokens.

A QR payload is `C.<card number>.<mac>` or `V.<voucher id>.<mac>`: uppercase so it
fits QR's compact alphanumeric mode, and signed with SECRET_KEY so a forged or
mistyped code is rejected before any database lookup.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Literal

from hub import clock
from hub.errors import ForgedCode, MalformedCode, StaleCode

_CODE = re.compile(r"^([CV])\.(\d{1,12})\.([A-Z2-7]{16})$")
# Crockford-style alphabet: no I, L, O, U, so what a cashier reads is what they type.
REDEEM_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


@dataclass(frozen=True)
class ScanCode:
    kind: Literal["card", "voucher"]
    ident: int


def _mac(secret: bytes, message: str) -> str:
    digest = hmac.new(secret, message.encode(), hashlib.sha256).digest()[:10]
    return base64.b32encode(digest).decode()


def card_code(secret: bytes, number: int) -> str:
    return f"C.{number}.{_mac(secret, f'C.{number}')}"


def voucher_code(secret: bytes, voucher_id: int) -> str:
    return f"V.{voucher_id}.{_mac(secret, f'V.{voucher_id}')}"


def _parse_static_code(secret: bytes, raw: str) -> ScanCode:
    """Check shape and signature of a printed code; raises MalformedCode or ForgedCode."""
    text = (raw or "").strip().upper()
    match = _CODE.match(text)
    if not match:
        raise MalformedCode()
    kind, ident, mac = match.groups()
    if not hmac.compare_digest(mac, _mac(secret, f"{kind}.{ident}")):
        raise ForgedCode()
    return ScanCode("card" if kind == "C" else "voucher", int(ident))


def new_card_token() -> str:
    return secrets.token_urlsafe(16)


def new_card_number() -> int:
    return 100000 + secrets.randbelow(900000)


def _check_char(body: str) -> str:
    """Luhn mod N: catches every single-character typo and most swapped neighbours."""
    n = len(REDEEM_ALPHABET)
    factor, total = 2, 0
    for char in reversed(body):
        addend = factor * REDEEM_ALPHABET.index(char)
        total += addend // n + addend % n
        factor = 3 - factor
    return REDEEM_ALPHABET[(n - total % n) % n]


def new_redeem_code() -> str:
    """Eight characters shown as XXXX-XXXX; the last one is a check character."""
    body = "".join(secrets.choice(REDEEM_ALPHABET) for _ in range(7))
    return body + _check_char(body)


def normalize_redeem_code(raw: str) -> str | None:
    """The canonical code, or None when it cannot be one of ours (a typo)."""
    text = re.sub(r"[\s-]", "", (raw or "").upper())
    text = text.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    if len(text) != 8 or any(c not in REDEEM_ALPHABET for c in text):
        return None
    return text if _check_char(text[:7]) == text[7] else None


def format_redeem_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


# --- Rotating card codes -------------------------------------------------------------
# The card page shows `R.<number>.<window>.<mac>`, where window = unix time // 30. A code
# passes in its own window and the next one, so a code shown just before a rollover
# still scans, while a screenshot or a photo of someone else's screen dies within a minute.

ROTATION_SECONDS = 30
_ROTATING = re.compile(r"^R\.(\d{1,12})\.(\d{1,12})\.([A-Z2-7]{16})$")


def rotation_window(now: float | None = None) -> int:
    return int((clock.timestamp() if now is None else now) // ROTATION_SECONDS)


def rotating_card_code(secret: bytes, number: int, now: float | None = None) -> str:
    """The card's QR payload for the current 30-second window."""
    window = rotation_window(now)
    return f"R.{number}.{window}.{_mac(secret, f'R.{number}.{window}')}"


def seconds_to_rotation(now: float | None = None) -> float:
    now = clock.timestamp() if now is None else now
    return ROTATION_SECONDS - now % ROTATION_SECONDS


def parse_code(secret: bytes, raw: str, *, now: float | None = None) -> ScanCode:
    """Check shape, signature and, for a rotating code, its age.

    Accepts printed codes (`C.`/`V.`), the card page's rotating code (`R.`) and the Google
    pass's TOTP barcode (`T.`). Raises MalformedCode, ForgedCode, or StaleCode for a genuine
    rotating code from an earlier window (a screenshot).
    """
    text = (raw or "").strip().upper()
    if text.startswith("T."):
        from hub.wallet.rotating import check_rotating_code

        verdict, number = check_rotating_code(secret, text, now=now)
        if verdict == "stale":
            raise StaleCode()
        if verdict != "valid" or number is None:
            raise ForgedCode()
        return ScanCode("card", number)
    match = _ROTATING.match(text)
    if not match:
        return _parse_static_code(secret, text)
    number, window, mac = match.groups()
    if not hmac.compare_digest(mac, _mac(secret, f"R.{number}.{window}")):
        raise ForgedCode()
    # Checked after the signature, so "expired" is never said of a forged code.
    if int(window) not in (rotation_window(now), rotation_window(now) - 1):
        raise StaleCode()
    return ScanCode("card", int(number))
