"""The `{name}`-style placeholders of a campaign's subject and body, filled the same way for the
message a customer gets and for the owner's preview of it."""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import ZoneInfo

from hub.domain import codes
from hub.i18n import Lang
from hub.models import Card, CardTemplate, Voucher

PLACEHOLDERS = (
    "name",
    "first_name",
    "business",
    "stamps",
    "stamps_required",
    "stamps_left",
    "reward",
    "card_url",
    "voucher",
    "voucher_code",
    "voucher_expires",
)
_PLACEHOLDER = re.compile(r"\{(\w+)\}")

# The preview's sample customer, for a business with no card yet.
SAMPLE = {
    "name": "Mina Park",
    "first_name": "Mina",
    "stamps": "3",
    "stamps_required": "8",
    "stamps_left": "5",
    "reward": "Free coffee",
}


def card_values(
    *, business: str, customer_name: str, card: Card, template: CardTemplate, public_url: str
) -> dict[str, str]:
    words = customer_name.split()
    return {
        "name": customer_name,
        "first_name": words[0] if words else customer_name,
        "business": business,
        "stamps": str(card.stamps),
        "stamps_required": str(template.stamps_required),
        "stamps_left": str(max(template.stamps_required - card.stamps, 0)),
        "reward": template.reward_title,
        "card_url": f"{public_url}/c/{card.token}",
    }


def voucher_values(voucher: Voucher | None, zone: ZoneInfo, language: str = "en") -> dict[str, str]:
    """The voucher's placeholders; its expiry date as the customer's language writes dates."""
    expires = ""
    if voucher is not None and voucher.expires_at is not None:
        expires = Lang(language, getattr(zone, "key", None) or "UTC").date_text(voucher.expires_at)
    return {
        "voucher": voucher.title if voucher else "",
        "voucher_code": codes.format_redeem_code(voucher.redeem_code) if voucher else "",
        "voucher_expires": expires,
    }


def voucher_line(values: dict[str, str], language: str = "en") -> str:
    """The attached voucher in one line of a plain-text message (messengers)."""
    if not values.get("voucher"):
        return ""
    if not values.get("voucher_code"):  # a spin waiting on the card: nothing to redeem here
        return f"🎁 {values['voucher']}"
    line = f"🎁 {values['voucher']}: {values['voucher_code']}"
    if not values.get("voucher_expires"):
        return line
    return f"{line} ({Lang(language)._('Valid until {date}', date=values['voucher_expires'])})"


def render(text: str, values: dict[str, Any]) -> str:
    """Fill `{name}`-style placeholders; unknown ones stay as typed (no attribute access)."""
    return _PLACEHOLDER.sub(
        lambda m: str(values[m.group(1)]) if m.group(1) in values and not m.group(1).startswith("_") else m.group(0),
        text,
    )
