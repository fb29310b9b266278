"""What the join page (`join_routes.py`) and the delivery inserts share: the form's error texts
and where a new or returning card goes next."""

from __future__ import annotations

import re
from urllib.parse import quote

from hub.i18n import N_

FIELD_ERRORS = {
    "name": N_("Please enter your name (up to 120 characters)."),
    "email": N_("That email address does not look right."),
    "birthday": N_("That birthday does not look right."),
}


# An insert or receipt code the customer scanned before having a card (see hub/ui/inserts).
THEN = re.compile(r"^(I|RCPT1)\.[A-Za-z0-9._-]{1,120}$")


RETURNING = "back"


def after_join(then: str | None, token: str, *, returning: bool = False) -> str:
    """Where the new (or returning) card goes: back to the scanned code, or the card page. A card
    handed back to a returning browser asks "Not you?" once (a shared family phone, a café
    tablet); the question rides in the address, as the session cookie can be overwritten by a
    response the previous page still had in flight."""
    if then and THEN.match(then):
        return f"/i/{quote(then, safe='')}?card={token}"
    return f"/c/{token}?{RETURNING}=1" if returning else f"/c/{token}"
