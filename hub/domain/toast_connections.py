"""A business's Toast loyalty connection: the endpoint Toast calls, its static key, the accrue rule.

Toast sends the static key we hand the owner in the `Authorization` header of every request
(Toast's "static API key" authentication for outbound APIs). Only its SHA-256 is stored; the
endpoint's URL carries an opaque id, never a business id. One live connection per business:
connecting again replaces the previous one (its URL and key stop working at once).
"""

from __future__ import annotations

import hmac
import re
import secrets
import time
from dataclasses import dataclass

from hub.clock import utcnow
from hub.errors import InvalidInput, NotFound, Unauthorized
from hub.models import CardTemplate, Location, ToastConnection
from hub.passwords import sha256_hex

RULES = {
    "check": "One stamp per paid check",
    "item": "One stamp per qualifying item",
    "amount": "One stamp per amount spent",
}
MAX_ITEMS = 200
REMEMBER_SECONDS = 5.0
_RESTAURANT = re.compile(r"^[!-~]{1,64}$")

_verified: dict[str, tuple[float, ToastConnection]] = {}


@dataclass(frozen=True)
class Rule:
    """The owner's accrue rule as entered: amounts in cents."""

    rule: str = "check"
    items: tuple[str, ...] = ()
    amount_per_stamp: int | None = None
    min_amount: int = 0
    max_stamps: int = 10
    reward_value: int = 0
    restaurant_guid: str = ""


def parse_items(text: str) -> tuple[str, ...]:
    """One qualifying item per line or comma: a name as on the menu, a menu item GUID or a PLU."""
    items = [part.strip() for line in (text or "").splitlines() for part in line.split(",")]
    return tuple(dict.fromkeys(item for item in items if item))


def _checked(rule: Rule) -> Rule:
    if rule.rule not in RULES:
        raise InvalidInput("Choose how a check earns stamps.", field="rule")
    if rule.rule == "item" and not rule.items:
        raise InvalidInput("List at least one qualifying item (name, GUID or PLU).", field="items")
    if len(rule.items) > MAX_ITEMS or any(len(item) > 120 for item in rule.items):
        raise InvalidInput(f"Up to {MAX_ITEMS} items of up to 120 characters each.", field="items")
    if rule.rule == "amount" and not (rule.amount_per_stamp and 1 <= rule.amount_per_stamp <= 10_000_000):
        raise InvalidInput("Set the amount that earns one stamp.", field="amount_per_stamp")
    if not 0 <= rule.min_amount <= 10_000_000:
        raise InvalidInput("The minimum must be between 0 and 100,000.", field="min_amount")
    if not 1 <= rule.max_stamps <= 100:
        raise InvalidInput("A check gives between 1 and 100 stamps at most.", field="max_stamps")
    if not 1 <= rule.reward_value <= 10_000_000:
        raise InvalidInput("Set the discount a voucher is worth on a Toast check.", field="reward_value")
    guid = rule.restaurant_guid.strip()
    if guid and not _RESTAURANT.match(guid):
        raise InvalidInput("A Toast restaurant ID is up to 64 characters without spaces.", field="restaurant_guid")
    return Rule(
        rule.rule,
        rule.items if rule.rule == "item" else (),
        rule.amount_per_stamp if rule.rule == "amount" else None,
        rule.min_amount,
        rule.max_stamps,
        rule.reward_value,
        guid,
    )


def _fields(rule: Rule) -> dict[str, object]:
    return {
        "rule": rule.rule,
        "items": list(rule.items),
        "amount_per_stamp": rule.amount_per_stamp,
        "min_amount": rule.min_amount,
        "max_stamps": rule.max_stamps,
        "reward_value": rule.reward_value,
        "restaurant_guid": rule.restaurant_guid,
    }


async def connect_toast(
    business_id: int, template_id: int, rule: Rule, *, location_id: int | None = None
) -> tuple[ToastConnection, str]:
    """A new connection (replacing a live one); returns it and the plain key, shown once."""
    rule = _checked(rule)
    if not await CardTemplate.exists(id=template_id, business_id=business_id):
        raise NotFound("No such stamp card.", field="template_id")
    if location_id is not None and not await Location.exists(id=location_id, business_id=business_id):
        raise NotFound("No such location.", field="location_id")
    await disconnect_toast(business_id)
    prefix = secrets.token_hex(4)
    plain = f"shtoast_{prefix}_{secrets.token_urlsafe(32)}"
    connection = await ToastConnection.create(
        business_id=business_id,
        template_id=template_id,
        location_id=location_id,
        public_id=secrets.token_urlsafe(18),
        key_prefix=prefix,
        key_hash=sha256_hex(plain),
        **_fields(rule),
    )
    return connection, plain


async def update_rule(business_id: int, rule: Rule, *, template_id: int | None = None) -> ToastConnection:
    """Change the live connection's rule; checks accrued from now on follow it."""
    rule = _checked(rule)
    connection = await live_connection(business_id)
    if connection is None:
        raise NotFound("Toast is not connected.")
    changes = _fields(rule)
    if template_id is not None:
        if not await CardTemplate.exists(id=template_id, business_id=business_id):
            raise NotFound("No such stamp card.", field="template_id")
        changes["template_id"] = template_id
    await ToastConnection.filter(id=connection.id).update(**changes)
    _forget(connection.id)
    return await ToastConnection.get(id=connection.id)


async def disconnect_toast(business_id: int) -> None:
    """Toast's requests to the old URL and key are refused from now on (in every process within
    REMEMBER_SECONDS)."""
    live = await ToastConnection.filter(business_id=business_id, revoked_at=None)
    if live:
        await ToastConnection.filter(id__in=[c.id for c in live]).update(revoked_at=utcnow())
        for connection in live:
            _forget(connection.id)


async def live_connection(business_id: int) -> ToastConnection | None:
    return await ToastConnection.filter(business_id=business_id, revoked_at=None).order_by("-id").first()


async def authenticate(public_id: str, authorization: str) -> ToastConnection:
    """The live connection behind the endpoint id whose key Toast presented; Unauthorized
    otherwise (the keys are random, 256 bits: nothing here can be guessed)."""
    plain = (authorization or "").strip()
    if plain.lower().startswith("bearer "):
        plain = plain[7:].strip()
    digest = sha256_hex(plain)
    remembered = _verified.get(public_id)
    if remembered and time.monotonic() - remembered[0] < REMEMBER_SECONDS:
        connection = remembered[1]
    else:
        connection = await ToastConnection.get_or_none(public_id=public_id[:40], revoked_at=None)
        if connection is None:
            _verified.pop(public_id, None)
            raise Unauthorized("Unknown Toast endpoint.")
        if len(_verified) > 10000:
            _verified.clear()
        _verified[public_id] = (time.monotonic(), connection)
    if not plain or not hmac.compare_digest(connection.key_hash, digest):
        raise Unauthorized("Wrong Toast key.")
    return connection


def _forget(connection_id: int) -> None:
    for public_id, (_, connection) in list(_verified.items()):
        if connection.id == connection_id:
            _verified.pop(public_id, None)


def endpoint_url(public_url: str, connection: ToastConnection) -> str:
    return f"{public_url.rstrip('/')}/api/toast/loyalty/{connection.public_id}"


def describe(connection: ToastConnection) -> str:
    """The rule in the owner's words."""
    if connection.rule == "item":
        shown = ", ".join(connection.items[:5]) + (" …" if len(connection.items) > 5 else "")
        base = f"1 stamp per qualifying item ({shown})"
    elif connection.rule == "amount":
        base = f"1 stamp per {(connection.amount_per_stamp or 0) / 100:.2f} spent"
    else:
        base = "1 stamp per paid check"
    minimum = f", checks from {connection.min_amount / 100:.2f}" if connection.min_amount else ""
    return f"{base}{minimum}; at most {connection.max_stamps} per check"
