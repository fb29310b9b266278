"""How many stamps a paid Toast check earns under the owner's rule (hub.domain.toast_connections).

Qualifying items are matched without Toast's menu API: by the name the POS shows
(`displayName`, case and surrounding spaces ignored), the menu item's GUID or its PLU, as the
owner typed them. Voided checks and voided items earn nothing.
"""

from __future__ import annotations

import math
from typing import Any

from hub.models import ToastConnection


def cents(value: Any) -> int:
    """A Toast amount (a JSON number in the currency's units) in cents; 0 when absent or bad."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        return 0
    return int(round(value * 100))


def _qualifies(selection: dict[str, Any], wanted: set[str]) -> bool:
    item = selection.get("item") if isinstance(selection.get("item"), dict) else {}
    keys = (selection.get("displayName"), item.get("guid"), selection.get("plu"))
    return any(isinstance(key, str) and key.strip().casefold() in wanted for key in keys)


def _units(selection: dict[str, Any]) -> int:
    quantity = selection.get("quantity")
    if isinstance(quantity, bool) or not isinstance(quantity, int | float) or not math.isfinite(quantity):
        return 1
    # Sold by weight (0.5 lb) is one item; 3 lattes are three.
    return max(1, int(quantity)) if quantity > 0 else 0


def stamps_for_check(connection: ToastConnection, check: dict[str, Any]) -> int:
    if check.get("voided") is True or check.get("deleted") is True:
        return 0
    amount = cents(check.get("amount"))
    if amount < connection.min_amount:
        return 0
    if connection.rule == "item":
        wanted = {item.strip().casefold() for item in connection.items}
        selections = check.get("selections") if isinstance(check.get("selections"), list) else []
        earned = sum(
            _units(s)
            for s in selections
            if isinstance(s, dict) and s.get("voided") is not True and _qualifies(s, wanted)
        )
    elif connection.rule == "amount":
        earned = amount // connection.amount_per_stamp if connection.amount_per_stamp else 0
    else:
        earned = 1
    return min(earned, connection.max_stamps)
