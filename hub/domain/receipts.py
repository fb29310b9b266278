"""Receipt QR: a code the till prints on each receipt, computed offline from a location's secret.

The algorithm is public (docs/RECEIPT_QR.md, with test vectors):

    message = "RCPT1.<key id>.<receipt id>.<amount in minor units>.<unix seconds>"
    mac     = base32(HMAC-SHA256(bytes.fromhex(secret), message)[:10])   # 16 chars, no padding
    code    = message + "." + mac
    QR      = "<public url>/i/" + code

A receipt gives its stamps once (a row per location and receipt id, unique), and only
while it is fresh (`max_age_hours` of the key); a receipt from the future beyond a few
minutes of clock drift is refused too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from hub.clock import utcnow
from hub.domain import lottery
from hub.domain.inserts import Claim
from hub.domain.locks import lock_card
from hub.domain.stamps import add_stamp
from hub.errors import ForeignCard, ForgedCode, IdempotencyReplay, InvalidInput, MalformedCode, NotFound
from hub.models import Card, CardTemplate, Location, PrizePool, ReceiptKey, ReceiptUse
from hub.realtime import outbox

VERSION = "RCPT1"
CLOCK_DRIFT = timedelta(minutes=10)
_CODE = re.compile(r"^RCPT1\.(\d{1,10})\.([A-Za-z0-9_-]{1,40})\.(\d{1,10})\.(\d{1,11})\.([A-Z2-7]{16})$")
RECEIPT_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


@dataclass(frozen=True)
class Receipt:
    key_id: int
    receipt_id: str
    amount: int
    issued_at: int

    @property
    def issued(self) -> datetime:
        return datetime.fromtimestamp(self.issued_at, UTC)


# --- The published algorithm -------------------------------------------------------------


def receipt_message(key_id: int, receipt_id: str, amount: int, issued_at: int) -> str:
    if not RECEIPT_ID.match(receipt_id):
        raise InvalidInput("A receipt id is 1 to 40 letters, digits, '-' or '_'.", field="receipt_id")
    if amount < 0 or issued_at < 0:
        raise InvalidInput("Amount and time cannot be negative.")
    return f"{VERSION}.{key_id}.{receipt_id}.{amount}.{issued_at}"


def receipt_mac(secret_hex: str, message: str) -> str:
    digest = hmac.new(bytes.fromhex(secret_hex), message.encode(), hashlib.sha256).digest()[:10]
    return base64.b32encode(digest).decode()


def receipt_code(secret_hex: str, key_id: int, receipt_id: str, amount: int, issued_at: int) -> str:
    """What the till computes: the text after `/i/` in the receipt's QR."""
    message = receipt_message(key_id, receipt_id, amount, issued_at)
    return f"{message}.{receipt_mac(secret_hex, message)}"


def is_receipt_code(raw: str) -> bool:
    return (raw or "").strip().startswith(VERSION + ".")


def parse_receipt_code(raw: str) -> tuple[Receipt, str]:
    """The fields and the mac, unverified; raises MalformedCode."""
    match = _CODE.match((raw or "").strip())
    if not match:
        raise MalformedCode("That is not a Stamphub receipt code.")
    key_id, receipt_id, amount, issued_at, mac = match.groups()
    return Receipt(int(key_id), receipt_id, int(amount), int(issued_at)), mac


# --- Keys --------------------------------------------------------------------------------


def new_secret() -> str:
    return secrets.token_hex(32)


async def create_receipt_key(
    business_id: int,
    location_id: int,
    template_id: int,
    *,
    pool_id: int | None = None,
    min_amount: int = 0,
    amount_per_stamp: int | None = None,
    max_stamps: int = 1,
    max_age_hours: int = 48,
) -> ReceiptKey:
    """A new secret for the location, retiring its previous one (receipts it signed before now still count).

    The rule: a receipt from `min_amount` gives one stamp, or with `amount_per_stamp` one
    stamp per that much, up to `max_stamps`; with `pool_id` it fires a lottery draw instead.
    """
    if not await Location.exists(id=location_id, business_id=business_id):
        raise NotFound("No such location.", field="location_id")
    if not await CardTemplate.exists(id=template_id, business_id=business_id):
        raise NotFound("No such stamp card.", field="template_id")
    if pool_id is not None and not await PrizePool.exists(
        id=pool_id, business_id=business_id, archived_at__isnull=True
    ):
        raise NotFound("No such prize pool.", field="pool_id")
    if min_amount < 0:
        raise InvalidInput("The minimum amount cannot be negative.", field="min_amount")
    if amount_per_stamp is not None and amount_per_stamp < 1:
        raise InvalidInput("The amount per stamp must be at least 1.", field="amount_per_stamp")
    if not 1 <= max_stamps <= 20:
        raise InvalidInput("A receipt gives between 1 and 20 stamps.", field="max_stamps")
    if not 1 <= max_age_hours <= 24 * 90:
        raise InvalidInput("Receipts count for 1 hour to 90 days.", field="max_age_hours")
    async with in_transaction() as conn:
        await (
            ReceiptKey.filter(location_id=location_id, retired_at__isnull=True, revoked_at__isnull=True)
            .using_db(conn)
            .update(retired_at=utcnow())
        )
        return await ReceiptKey.create(
            business_id=business_id,
            location_id=location_id,
            template_id=template_id,
            secret=new_secret(),
            pool_id=pool_id,
            min_amount=min_amount,
            amount_per_stamp=amount_per_stamp,
            max_stamps=max_stamps,
            max_age_hours=max_age_hours,
            using_db=conn,
        )


async def receipt_keys(business_id: int) -> list[ReceiptKey]:
    return await ReceiptKey.filter(business_id=business_id).order_by("-id")


async def revoke_receipt_key(business_id: int, key_id: int) -> None:
    """For a leaked secret: every receipt signed with it is refused from now on, whatever its date."""
    if not await ReceiptKey.filter(id=key_id, business_id=business_id, revoked_at__isnull=True).update(
        revoked_at=utcnow()
    ):
        raise NotFound("No such receipt key.")


def stamps_for(key: ReceiptKey, amount: int) -> int:
    if amount < key.min_amount:
        return 0
    if key.amount_per_stamp:
        return min(key.max_stamps, amount // key.amount_per_stamp)
    return 1


# --- Using a receipt ---------------------------------------------------------------------


async def verify(raw: str) -> tuple[Receipt, ReceiptKey]:
    """The receipt and its key when the signature holds; raises MalformedCode, ForgedCode or NotFound."""
    receipt, mac = parse_receipt_code(raw)
    key = await ReceiptKey.get_or_none(id=receipt.key_id)
    if key is None:
        raise ForgedCode("This receipt code is not from one of our shops.")
    expected = receipt_mac(key.secret, receipt_message(key.id, receipt.receipt_id, receipt.amount, receipt.issued_at))
    if not hmac.compare_digest(mac, expected):
        raise ForgedCode()
    return receipt, key


def _format_amount(amount: int) -> str:
    return f"{amount / 100:.2f}"


async def check(
    raw: str,
) -> tuple[Receipt, ReceiptKey, Claim | None]:
    """Verify and say whether the receipt can still give anything (None) or why not (a rejection).

    Checked before the customer is asked to join, so nobody signs up for a dead receipt.
    """
    now = utcnow()
    receipt, key = await verify(raw)
    # A retired key (replaced by a newer one) still honours receipts printed before the
    # change until they go stale; a revoked key (leaked) honours nothing.
    if key.revoked_at is not None or (key.retired_at is not None and key.retired_at <= receipt.issued):
        return receipt, key, Claim("rejected", reason="key_revoked")
    if receipt.issued > now + CLOCK_DRIFT:
        return receipt, key, Claim("rejected", reason="future_receipt")
    if receipt.issued < now - timedelta(hours=key.max_age_hours):
        return receipt, key, Claim("rejected", reason="stale_receipt", detail={"max_age_hours": key.max_age_hours})
    used = await ReceiptUse.get_or_none(location_id=key.location_id, receipt_id=receipt.receipt_id)
    if used is not None:
        return (
            receipt,
            key,
            Claim("rejected", reason="receipt_used", detail={"used_at": f" on {used.created_at:%Y-%m-%d %H:%M} UTC"}),
        )
    if key.pool_id is None and stamps_for(key, receipt.amount) == 0:
        return (
            receipt,
            key,
            Claim("rejected", reason="below_minimum", detail={"min_amount": _format_amount(key.min_amount)}),
        )
    return receipt, key, None


async def use_receipt(
    raw: str,
    card_token: str,
) -> Claim:
    """Give the receipt's stamps (or its lottery draw) to the customer's card, once per receipt."""
    now = utcnow()
    receipt, key, rejection = await check(raw)
    card = await Card.get_or_none(token=card_token, deleted_at=None)
    if card is None:
        raise NotFound("No such card.")
    if card.business_id != key.business_id:
        raise ForeignCard("This receipt is from another business.")
    if rejection is not None:
        rejection.card = card
        return rejection
    if card.template_id != key.template_id:
        return Claim("rejected", card=card, reason="other_card")
    try:
        use = await ReceiptUse.create(
            business_id=key.business_id,
            location_id=key.location_id,
            key_id=key.id,
            receipt_id=receipt.receipt_id,
            amount=receipt.amount,
            issued_at=receipt.issued,
            card_id=card.id,
        )
    except IntegrityError:  # the same receipt opened twice at once
        return Claim("rejected", card=card, reason="receipt_used", detail={"used_at": ""})
    try:
        if key.pool_id is not None:
            claim = await _draw(key, card, now)
        else:
            claim = await _stamp(key, receipt, card, now)
    except BaseException:
        await ReceiptUse.filter(id=use.id).delete()
        raise
    if claim.outcome == "rejected":
        # Nothing was given (cooldown, daily cap): the receipt stays good for later.
        await ReceiptUse.filter(id=use.id).delete()
    else:
        await ReceiptUse.filter(id=use.id).update(stamps=claim.stamps)
    return claim


async def _stamp(key: ReceiptKey, receipt: Receipt, card: Card, now: datetime) -> Claim:
    # One visit, all its stamps at once: a cooldown cannot hold back part of a receipt.
    # Keyed by location and receipt id, so even a lost ReceiptUse row can never double a stamp.
    try:
        result = await add_stamp(
            key.business_id,
            card.id,
            location_id=key.location_id,
            idempotency_key=f"receipt:{key.location_id}:{receipt.receipt_id}:0",
            source="receipt",
            count=stamps_for(key, receipt.amount),
        )
    except IdempotencyReplay:
        return Claim("rejected", card=card, reason="receipt_used", detail={"used_at": ""})
    if result.outcome == "rejected":
        return Claim("rejected", card=result.card, reason=result.reason, result=result, detail=result.detail)
    return Claim(result.outcome, card=result.card, stamps=result.detail["stamps"], result=result)


async def _draw(key: ReceiptKey, card: Card, now: datetime) -> Claim:
    async with outbox.transaction() as conn:
        pool = await lottery.drawable_pool(conn, key.business_id, key.pool_id)
        if pool is None:
            return Claim("rejected", card=card, reason="no_prize_pool")
        locked = await lock_card(conn, card.id)
        if locked is None:
            raise NotFound("No such card.")
        template = await CardTemplate.get(id=locked.template_id).using_db(conn)
        draw = await lottery.draw_in_transaction(
            conn, locked, pool, source="receipt", template=template, location_id=key.location_id
        )
    return Claim("lottery", card=locked, draw=draw)
