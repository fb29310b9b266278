"""Campaign audiences: all customers, or a segment described by a small JSON spec.

Spec keys (all optional, combined with AND):
`stamps_min` / `stamps_max` (progress on the card), `visited_within_days` / `not_visited_days`
(last stamp), `active_voucher` (true/false), `birthday_month` (1–12), `location_id` (stamped
there at least once), `platform` (web | apple | google), `template_id`, `card_ids` (an
explicit list: SEND MESSAGE is a segment of one).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise.expressions import Q

from hub.clock import utcnow
from hub.errors import InvalidInput
from hub.models import Card, CardEvent, Customer, Location, Voucher, VoucherState

PLATFORMS = ("web", "apple", "google")
_INT_KEYS = (
    "stamps_min",
    "stamps_max",
    "visited_within_days",
    "not_visited_days",
    "birthday_month",
    "location_id",
    "template_id",
)


@dataclass(frozen=True)
class Recipient:
    customer_id: int
    card_id: int


def normalize(spec: dict[str, Any] | None) -> dict[str, Any]:
    """A clean copy of the spec; raises InvalidInput naming the field that is wrong."""
    out: dict[str, Any] = {}
    for key, value in (spec or {}).items():
        if value is None or value == "":
            continue
        if key in _INT_KEYS:
            try:
                number = int(value)
            except (TypeError, ValueError) as exc:
                raise InvalidInput("Enter a whole number.", field=key) from exc
            if number < 0 or (key == "birthday_month" and not 1 <= number <= 12):
                raise InvalidInput("That number is out of range.", field=key)
            out[key] = number
        elif key == "active_voucher":
            out[key] = bool(value)
        elif key == "platform":
            if value not in PLATFORMS:
                raise InvalidInput("Choose web, Apple or Google.", field=key)
            out[key] = value
        elif key == "card_ids":
            out[key] = sorted({int(v) for v in value})
        else:
            raise InvalidInput(f"Unknown audience filter: {key}.", field="segment")
    if "stamps_min" in out and "stamps_max" in out and out["stamps_min"] > out["stamps_max"]:
        raise InvalidInput("The minimum progress is above the maximum.", field="stamps_min")
    return out


def describe(spec: dict[str, Any]) -> str:
    """The audience in words, for the campaign list."""
    if not spec:
        return "All customers"
    parts = []
    if "card_ids" in spec:
        parts.append("one card" if len(spec["card_ids"]) == 1 else f"{len(spec['card_ids'])} cards")
    if "stamps_min" in spec or "stamps_max" in spec:
        parts.append(f"progress {spec.get('stamps_min', 0)}–{spec.get('stamps_max', '∞')} stamps")
    if "visited_within_days" in spec:
        parts.append(f"visited in the last {spec['visited_within_days']} days")
    if "not_visited_days" in spec:
        parts.append(f"not seen for {spec['not_visited_days']} days")
    if "active_voucher" in spec:
        parts.append("with an active voucher" if spec["active_voucher"] else "without an active voucher")
    if "birthday_month" in spec:
        parts.append(f"birthday in {datetime(2000, spec['birthday_month'], 1):%B}")
    if "location_id" in spec:
        parts.append(f"stamped at location #{spec['location_id']}")
    if "platform" in spec:
        parts.append(f"card in {spec['platform']}")
    if "template_id" in spec:
        parts.append(f"stamp card #{spec['template_id']}")
    return "Customers " + ", ".join(parts)


async def recipients(
    business_id: int,
    spec: dict[str, Any],
) -> list[Recipient]:
    """One recipient per customer (their newest live card), in card order."""
    now = utcnow()
    query = Card.filter(business_id=business_id, deleted_at=None)
    if "card_ids" in spec:
        query = query.filter(id__in=spec["card_ids"])
    if "template_id" in spec:
        query = query.filter(template_id=spec["template_id"])
    if "stamps_min" in spec:
        query = query.filter(stamps__gte=spec["stamps_min"])
    if "stamps_max" in spec:
        query = query.filter(stamps__lte=spec["stamps_max"])
    if "visited_within_days" in spec:
        query = query.filter(last_stamp_at__gte=now - timedelta(days=spec["visited_within_days"]))
    if "not_visited_days" in spec:
        cutoff = now - timedelta(days=spec["not_visited_days"])
        query = query.filter(Q(last_stamp_at__lt=cutoff) | Q(last_stamp_at__isnull=True, created_at__lt=cutoff))
    rows = await query.order_by("id").values("id", "customer_id", "platforms")

    keep: set[int] | None = None

    def narrow(ids: set[int]) -> None:
        nonlocal keep
        keep = ids if keep is None else keep & ids

    if "active_voucher" in spec:
        live = set(
            await Voucher.filter(
                Q(expires_at__isnull=True) | Q(expires_at__gt=now),
                business_id=business_id,
                state__in=[VoucherState.ISSUED, VoucherState.ACTIVE],
            ).values_list("card_id", flat=True)
        )
        if spec["active_voucher"]:
            narrow(live)
        else:
            narrow({r["id"] for r in rows} - live)
    if "location_id" in spec:
        if not await Location.exists(id=spec["location_id"], business_id=business_id):
            return []
        narrow(
            set(
                await CardEvent.filter(business_id=business_id, location_id=spec["location_id"])
                .distinct()
                .values_list("card_id", flat=True)
            )
        )
    birthdays: set[int] | None = None
    if "birthday_month" in spec:
        birthdays = {
            cid
            for cid, born in await Customer.filter(business_id=business_id, birthday__isnull=False).values_list(
                "id", "birthday"
            )
            if born.month == spec["birthday_month"]
        }
    by_customer: dict[int, Recipient] = {}
    for row in rows:
        if keep is not None and row["id"] not in keep:
            continue
        if birthdays is not None and row["customer_id"] not in birthdays:
            continue
        if "platform" in spec and spec["platform"] not in (row["platforms"] or []):
            continue
        by_customer[row["customer_id"]] = Recipient(row["customer_id"], row["id"])
    return sorted(by_customer.values(), key=lambda r: r.card_id)


async def count(
    business_id: int,
    spec: dict[str, Any],
) -> int:
    return len(await recipients(business_id, spec))
