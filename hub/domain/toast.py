"""Toast Loyalty Integration API 1.1.0: the answers to Toast's transactions.

Toast POSTs every transaction to one endpoint with `Toast-Transaction-Type` and
`Toast-Transaction-GUID` headers (docs/toast.md). Every transaction is idempotent on the GUID
*and* the loyalty identifier, as the spec demands: the first request reserves its row in
`toast_transaction` before it acts, and its exact answer is stored there; a retry, or a
duplicate arriving while the first is still running, gets those bytes back and changes nothing.

A loyalty identifier is the card's public number (what the card page shows and staff key in);
a scanned card code is accepted too. It never carries personal data.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import Redis
from tortoise.exceptions import IntegrityError

from hub.domain import codes, guesses
from hub.domain.card_transfer import transfer_card
from hub.domain.cards import issue_card
from hub.domain.reversals import reinstate_vouchers, reverse_stamps
from hub.domain.stamps import add_stamp
from hub.domain.toast_rules import cents, stamps_for_check
from hub.domain.vouchers import redeem_voucher, waiting_vouchers
from hub.errors import CannotUndo, DomainError, IdempotencyReplay, InvalidInput, NotFound, RateLimited
from hub.models import Card, CardTemplate, Customer, ToastConnection, ToastTransaction, Voucher
from hub.ratelimit import Backoff

log = logging.getLogger(__name__)

TYPES = (
    "LOYALTY_INQUIRE",
    "LOYALTY_SEARCH",
    "LOYALTY_SIGNUP",
    "LOYALTY_REDEEM",
    "LOYALTY_ACCRUE",
    "LOYALTY_REVERSE",
    "LOYALTY_TRANSFER",
)
VIA = "toast"
MAX_SEARCH_RESULTS = 20
# Toast treats 5 s as a timeout; a duplicate waits for the first request's answer until then.
WAIT_FOR_FIRST_SECONDS = 4.5


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes

    @classmethod
    def of(cls, status: int, payload: dict[str, Any]) -> Answer:
        return cls(status, json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode())

    @classmethod
    def error(cls, status: int, transaction_status: str) -> Answer:
        return cls.of(status, {"transactionStatus": transaction_status})


ACCEPT_ONLY = Answer.of(200, {"transactionStatus": "ACCEPT"})
INVALID_INPUT = Answer.error(400, "ERROR_INVALID_INPUT_PROPERTIES")
INVALID_TYPE = Answer.error(400, "ERROR_INVALID_TOAST_TRANSACTION_TYPE")
INVALID_TOKEN = Answer.error(400, "ERROR_INVALID_TOKEN")
INVALID_RESTAURANT = Answer.error(400, "ERROR_INVALID_RESTAURANT")
UNKNOWN_ACCOUNT = Answer.error(404, "ERROR_ACCOUNT_INVALID")
# The spec's 500 has no body; Toast retries it.
BUSY = Answer(500, b"{}")


@dataclass
class Outcome:
    """An answer and what it did, kept with the transaction for a later reversal."""

    answer: Answer
    card_id: int | None = None
    check_guid: str | None = None
    stamp_key: str | None = None
    voucher_ids: list[int] = field(default_factory=list)
    stored: bool = True


class _Refused(Exception):
    def __init__(self, answer: Answer) -> None:
        self.answer = answer


@dataclass(frozen=True)
class Request:
    connection: ToastConnection
    transaction_type: str
    guid: str
    identifier: str
    body: dict[str, Any]
    redis: Redis
    prefix: str
    secret: bytes


# --- Entry point -------------------------------------------------------------------------------


async def handle(
    connection: ToastConnection,
    *,
    transaction_type: str,
    guid: str,
    restaurant: str,
    raw: bytes,
    redis: Redis,
    prefix: str,
    secret: bytes,
) -> Answer:
    """The answer to one authenticated Toast request."""
    if connection.restaurant_guid and restaurant.strip().lower() != connection.restaurant_guid.lower():
        return INVALID_RESTAURANT
    if transaction_type not in TYPES:
        return INVALID_TYPE
    try:
        body = json.loads(raw)
    except ValueError:
        return INVALID_INPUT
    if not isinstance(body, dict):
        return INVALID_INPUT
    if body.get("toastTransactionType") not in (None, transaction_type):
        return INVALID_TYPE
    guid = (guid or "").strip()
    identifier = _identifier(transaction_type, body)
    if not guid or len(guid) > 64 or identifier is None:
        return INVALID_INPUT
    request = Request(connection, transaction_type, guid, identifier, body, redis, prefix, secret)
    return await _once(request)


def _identifier(transaction_type: str, body: dict[str, Any]) -> str | None:
    """The loyalty identifier the idempotency key includes ("" when the type has none); None when
    the request is not shaped as its type requires."""
    section, key = {
        "LOYALTY_SEARCH": ("searchTransactionInformation", None),
        "LOYALTY_SIGNUP": ("signupTransactionInformation", None),
        "LOYALTY_REVERSE": ("reverseTransactionInformation", "loyaltyIdentifier"),
        "LOYALTY_TRANSFER": ("transferTransactionInformation", "fromLoyaltyIdentifier"),
    }.get(transaction_type, ("checkTransactionInformation", "loyaltyIdentifier"))
    info = body.get(section)
    if not isinstance(info, dict):
        return None
    value = info.get(key) if key else None
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > 64:
        return None
    return value.strip()


async def _once(request: Request) -> Answer:
    key = {
        "connection_id": request.connection.id,
        "transaction_guid": request.guid,
        "loyalty_identifier": request.identifier,
    }
    deadline = time.monotonic() + WAIT_FOR_FIRST_SECONDS
    while True:
        try:
            row = await ToastTransaction.create(
                **key,
                business_id=request.connection.business_id,
                transaction_type=request.transaction_type,
                voucher_ids=[],
            )
            break
        except IntegrityError:
            stored = await ToastTransaction.get_or_none(**key)
            if stored is not None and stored.status_code:
                return Answer(stored.status_code, stored.response.encode())
            if time.monotonic() > deadline:
                log.warning("toast transaction %s still running after %.1f s", request.guid, WAIT_FOR_FIRST_SECONDS)
                return BUSY
            await asyncio.sleep(0.02)
    try:
        outcome = await _dispatch(request)
    except BaseException:
        await ToastTransaction.filter(id=row.id).delete()
        raise
    if not outcome.stored:
        await ToastTransaction.filter(id=row.id).delete()
        return outcome.answer
    await ToastTransaction.filter(id=row.id).update(
        status_code=outcome.answer.status,
        response=outcome.answer.body.decode(),
        card_id=outcome.card_id,
        check_guid=outcome.check_guid,
        stamp_key=outcome.stamp_key,
        voucher_ids=outcome.voucher_ids,
    )
    return outcome.answer


async def _dispatch(request: Request) -> Outcome:
    handler = {
        "LOYALTY_SEARCH": _search,
        "LOYALTY_INQUIRE": _inquire,
        "LOYALTY_REDEEM": _redeem,
        "LOYALTY_ACCRUE": _accrue,
        "LOYALTY_REVERSE": _reverse,
        "LOYALTY_SIGNUP": _signup,
        "LOYALTY_TRANSFER": _transfer,
    }[request.transaction_type]
    try:
        return await handler(request)
    except _Refused as refused:
        return Outcome(refused.answer)
    except RateLimited:
        # Not stored: once the wait is over the same request is answered for real.
        log.warning("toast connection %s: too many unknown accounts", request.connection.id)
        return Outcome(UNKNOWN_ACCOUNT, stored=False)


# --- Accounts --------------------------------------------------------------------------------


def _buckets(connection: ToastConnection) -> list[Backoff]:
    """Card numbers are short: unknown ones are guesses, counted per connection."""
    return [Backoff(f"toast:{connection.id}", free=100)]


def _number(request: Request, identifier: str) -> int | None:
    if identifier.isdigit() and len(identifier) <= 12:
        return int(identifier)
    try:
        parsed = codes.parse_code(request.secret, identifier)
    except DomainError:
        return None
    return parsed.ident if parsed.kind == "card" else None


async def _card(request: Request, identifier: str | None = None) -> tuple[Card, CardTemplate, Customer]:
    identifier = request.identifier if identifier is None else identifier
    business_id = request.connection.business_id

    async def lookup() -> Card:
        number = _number(request, identifier) if identifier else None
        card = await Card.get_or_none(business_id=business_id, number=number, deleted_at=None) if number else None
        if card is None:
            raise NotFound("No such card.")
        return card

    try:
        card = await guesses.guarded(request.redis, request.prefix, _buckets(request.connection), lookup)
    except NotFound:
        raise _Refused(UNKNOWN_ACCOUNT) from None
    template = await CardTemplate.get(id=card.template_id)
    customer = await Customer.get(id=card.customer_id)
    return card, template, customer


def _account(card: Card, customer: Customer) -> dict[str, Any]:
    first, _, last = customer.name.strip().partition(" ")
    info: dict[str, Any] = {"identifier": str(card.number), "firstName": first, "lastName": last.strip()}
    if customer.email:
        info["email"] = customer.email
    info["pointsBalance"] = str(card.stamps)
    return info


def _progress(card: Card, template: CardTemplate) -> str:
    return f"{card.stamps} of {template.stamps_required} stamps on card {card.number}"


# --- Offers and redemptions --------------------------------------------------------------------


def _check(request: Request) -> dict[str, Any]:
    check = request.body["checkTransactionInformation"].get("check")
    return check if isinstance(check, dict) else {}


def _offer_amount(request: Request) -> float:
    """A voucher's discount: the owner's voucher value, never more than the check."""
    value = request.connection.reward_value
    due = cents(_check(request).get("amount"))
    return (min(value, due) if due else value) / 100


def _offers(request: Request, vouchers: list[Voucher]) -> list[dict[str, Any]]:
    amount = _offer_amount(request)
    offers = []
    for voucher in vouchers:
        offer: dict[str, Any] = {
            "identifier": str(voucher.id),
            "name": voucher.title[:200],
            "applicable": amount > 0,
            "selectionType": "CHECK",
            "amount": amount,
            "quantity": 1,
        }
        if voucher.expires_at is not None:
            offer["expiration"] = [{"date": voucher.expires_at.strftime("%Y-%m-%dT%H:%M:%S.000Z")}]
        offers.append(offer)
    return offers


def _redemptions(request: Request) -> list[dict[str, Any]]:
    raw = request.body["checkTransactionInformation"].get("redemptions") or []
    if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw):
        raise _Refused(INVALID_INPUT)
    return [{k: v for k, v in r.items() if v is not None} for r in raw]


def _voucher_id(redemption: dict[str, Any]) -> int | None:
    identifier = redemption.get("identifier")
    return int(identifier) if isinstance(identifier, str) and identifier.isdigit() else None


def _rejected(redemption: dict[str, Any], message: str) -> dict[str, Any]:
    return {"redemption": redemption, "message": message}


def _applied(redemption: dict[str, Any], amount: float) -> dict[str, Any]:
    return {**redemption, "amount": amount, "quantity": 1}


def _validate(
    request: Request, redemptions: list[dict[str, Any]], live: dict[int, Voucher]
) -> tuple[list[dict[str, Any]], list[tuple[dict[str, Any], Voucher]]]:
    """Split the check's redemptions into rejected ones and (redemption, voucher) pairs to honour."""
    rejected, valid, seen = [], [], set()
    for redemption in redemptions:
        voucher = live.get(_voucher_id(redemption) or 0)
        if voucher is None:
            rejected.append(_rejected(redemption, "This reward is not available on this card any more."))
        elif voucher.id in seen or (redemption.get("quantity") or 1) > 1:
            rejected.append(_rejected(redemption, "Each voucher can be used once."))
        else:
            seen.add(voucher.id)
            valid.append((redemption, voucher))
    return rejected, valid


# --- Transactions --------------------------------------------------------------------------------


async def _search(request: Request) -> Outcome:
    criteria = (request.body["searchTransactionInformation"] or {}).get("searchCriteria")
    if not isinstance(criteria, dict):
        return Outcome(INVALID_INPUT)
    fields = ("firstName", "lastName", "email", "phone")
    text = {k: criteria[k].strip()[:120] for k in fields if isinstance(criteria.get(k), str) and criteria[k].strip()}
    if not text:
        return Outcome(INVALID_INPUT)
    business_id = request.connection.business_id

    async def lookup() -> list[tuple[Card, Customer]]:
        # Only what the business stores can match: a customer gives a name and may give an email.
        if "phone" in text and len(text) == 1:
            raise NotFound("No phone numbers are kept.")
        customers = Customer.filter(business_id=business_id)
        if "email" in text:
            customers = customers.filter(email__iexact=text["email"])
        for part in (text.get("firstName"), text.get("lastName")):
            if part:
                customers = customers.filter(name__icontains=part)
        found = {c.id: c for c in await customers.limit(200)}
        cards = (
            await Card.filter(business_id=business_id, customer_id__in=list(found), deleted_at=None)
            .order_by("-id")
            .limit(MAX_SEARCH_RESULTS)
            if found
            else []
        )
        if not cards:
            raise NotFound("No such customer.")
        return [(card, found[card.customer_id]) for card in cards]

    try:
        hits = await guesses.guarded(request.redis, request.prefix, _buckets(request.connection), lookup)
    except NotFound:
        return Outcome(UNKNOWN_ACCOUNT)
    accounts = [_account(card, customer) for card, customer in hits]
    return Outcome(Answer.of(200, {"searchResponse": {"accounts": accounts}, "transactionStatus": "ACCEPT"}))


async def _inquire(request: Request) -> Outcome:
    card, template, customer = await _card(request)
    vouchers = (await waiting_vouchers([card.id]))[card.id]
    rejected, valid = _validate(request, _redemptions(request), {v.id: v for v in vouchers})
    amount = _offer_amount(request)
    response = {
        "accountInfo": _account(card, customer),
        "offers": _offers(request, vouchers),
        "rejectedRedemptions": rejected,
        "appliedRedemptions": [_applied(r, amount) for r, _ in valid],
        "userMessage": _progress(card, template),
    }
    answer = Answer.of(200, {"checkResponse": response, "transactionStatus": "ACCEPT"})
    return Outcome(answer, card_id=card.id, check_guid=_check_guid(request))


def _check_guid(request: Request) -> str | None:
    guid = _check(request).get("guid")
    return guid[:64] if isinstance(guid, str) and guid else None


def _journal_detail(request: Request) -> dict[str, Any]:
    check = _check(request)
    detail: dict[str, Any] = {"pos": "toast", "toast_transaction": request.guid}
    if guid := _check_guid(request):
        detail["check_guid"] = guid
    if isinstance(check.get("displayNumber"), str):
        detail["check_number"] = check["displayNumber"][:20]
    return detail


async def _redeem(request: Request) -> Outcome:
    card, template, customer = await _card(request)
    redemptions = _redemptions(request)
    mine = {v.id: v for v in await Voucher.filter(card_id=card.id, id__in=[_voucher_id(r) or 0 for r in redemptions])}
    rejected, valid = _validate(request, redemptions, mine)
    amount = _offer_amount(request)
    applied, redeemed = [], []
    connection = request.connection
    for redemption, voucher in valid:
        key = f"toast:{connection.id}:{request.guid}:{voucher.id}"[:128]
        try:
            result = await redeem_voucher(
                connection.business_id,
                voucher,
                location_id=connection.location_id,
                via=VIA,
                idempotency_key=key,
                detail=_journal_detail(request),
            )
        except IdempotencyReplay:
            applied.append(_applied(redemption, amount))
            continue
        if result.outcome == "redeemed":
            applied.append(_applied(redemption, amount))
            redeemed.append(voucher.id)
        elif result.reason == "already_redeemed":
            where = result.detail.get("where", "")
            when = result.detail.get("redeemed_at", "")
            rejected.append(_rejected(redemption, f"Already redeemed {when}{where}."))
        else:
            why = "This voucher has expired." if result.reason == "expired" else "This voucher cannot be used."
            rejected.append(_rejected(redemption, why))
    await card.refresh_from_db()
    left = (await waiting_vouchers([card.id]))[card.id]
    response = {
        "accountInfo": _account(card, customer),
        "offers": _offers(request, left),
        "rejectedRedemptions": rejected,
        "appliedRedemptions": applied,
        "userMessage": _progress(card, template),
    }
    answer = Answer.of(200, {"checkResponse": response, "transactionStatus": "ACCEPT"})
    return Outcome(answer, card_id=card.id, check_guid=_check_guid(request), voucher_ids=redeemed)


async def _accrue(request: Request) -> Outcome:
    # Toast sends an accrue for every paid check, with or without a loyalty account.
    if not request.identifier:
        return Outcome(ACCEPT_ONLY, check_guid=_check_guid(request))
    card, template, customer = await _card(request)
    connection = request.connection
    check_guid = _check_guid(request)
    earned = stamps_for_check(connection, _check(request))
    stamp_key = None
    if earned == 0:
        message = f"No stamps for this check. {_progress(card, template)}"
    else:
        # One check earns once, even when Toast resends it under a new transaction GUID.
        basis = f"check:{check_guid}" if check_guid else f"txn:{request.guid}"
        key = f"toast:{connection.id}:{basis}:{card.id}"[:128]
        try:
            result = await add_stamp(
                connection.business_id,
                card.id,
                location_id=connection.location_id,
                idempotency_key=key,
                source=VIA,
                count=earned,
                detail=_journal_detail(request),
            )
        except IdempotencyReplay:
            result = None
        if result is None:
            message = f"This check already earned its stamps. {_progress(card, template)}"
        elif result.outcome in ("stamped", "reward"):
            stamp_key = key
            given = result.detail.get("stamps", earned)
            card = result.card
            message = f"+{given} stamp{'s' if given != 1 else ''}: {_progress(card, template)}"
            if result.outcome == "reward" and result.voucher is not None:
                message += f". Reward earned: {result.voucher.title}"
        else:
            message = f"No stamps ({result.reason.replace('_', ' ')}). {_progress(card, template)}"
    response = {"accountInfo": _account(card, customer), "userMessage": message[:255]}
    answer = Answer.of(200, {"checkResponse": response, "transactionStatus": "ACCEPT"})
    return Outcome(answer, card_id=card.id, check_guid=check_guid, stamp_key=stamp_key)


async def _reverse(request: Request) -> Outcome:
    info = request.body["reverseTransactionInformation"]
    target = info.get("transactionId")
    if not isinstance(target, str) or not target.strip():
        return Outcome(INVALID_INPUT)
    connection = request.connection
    original = await ToastTransaction.get_or_none(
        connection_id=connection.id, transaction_guid=target.strip()[:64], loyalty_identifier=request.identifier
    )
    if original is None or original.status_code == 0:
        return Outcome(Answer.error(400, "ERROR_TRANSACTION_DOES_NOT_EXIST"))
    if original.transaction_type not in ("LOYALTY_ACCRUE", "LOYALTY_REDEEM"):
        return Outcome(Answer.error(400, "ERROR_TRANSACTION_CANNOT_BE_REVERSED"))
    detail = {"pos": "toast", "toast_transaction": request.guid, "reverses_transaction": original.transaction_guid}
    if original.check_guid:
        detail["check_guid"] = original.check_guid
    if original.transaction_type == "LOYALTY_ACCRUE":
        if original.stamp_key:
            try:
                await reverse_stamps(
                    connection.business_id, original.stamp_key, location_id=connection.location_id, detail=detail
                )
            except CannotUndo:
                return Outcome(Answer.error(400, "ERROR_TRANSACTION_CANNOT_BE_REVERSED"), card_id=original.card_id)
        return Outcome(ACCEPT_ONLY, card_id=original.card_id, check_guid=original.check_guid)
    named = info.get("redemptions")
    wanted = list(original.voucher_ids)
    if isinstance(named, list) and named:
        ids = {_voucher_id(r) for r in named if isinstance(r, dict)}
        wanted = [v for v in wanted if v in ids]
    back = []
    if wanted and original.card_id:
        back = await reinstate_vouchers(
            connection.business_id, original.card_id, wanted, via=VIA, location_id=connection.location_id, detail=detail
        )
    if back:
        remaining = [v for v in original.voucher_ids if v not in back]
        await ToastTransaction.filter(id=original.id).update(voucher_ids=remaining)
    return Outcome(ACCEPT_ONLY, card_id=original.card_id, check_guid=original.check_guid, voucher_ids=back)


async def _signup(request: Request) -> Outcome:
    info = request.body["signupTransactionInformation"]
    email = info.get("email").strip() if isinstance(info.get("email"), str) else ""
    phone = info.get("phone").strip() if isinstance(info.get("phone"), str) else ""
    # Exactly one of them, says the spec; a card keeps an email, never a phone number.
    if bool(email) == bool(phone) or not email:
        return Outcome(INVALID_INPUT)
    business_id = request.connection.business_id
    taken = await Customer.filter(business_id=business_id, email__iexact=email).values_list("id", flat=True)
    if taken and await Card.exists(business_id=business_id, customer_id__in=list(taken), deleted_at=None):
        return Outcome(Answer.error(400, "ERROR_ALREADY_REGISTERED"))
    name = email.split("@", 1)[0][:120] or "Guest"
    try:
        card = await issue_card(business_id, request.connection.template_id, name, email=email, platform="web")
    except DomainError:
        return Outcome(INVALID_INPUT)
    answer = Answer.of(200, {"signupResponse": {"loyaltyIdentifier": str(card.number)}, "transactionStatus": "ACCEPT"})
    return Outcome(answer, card_id=card.id)


async def _transfer(request: Request) -> Outcome:
    """The guest's stamps and usable vouchers move to the card they name; the old card closes."""
    info = request.body["transferTransactionInformation"]
    to = info.get("toLoyaltyIdentifier")
    if not isinstance(to, str) or not to.strip() or len(to) > 64:
        return Outcome(INVALID_INPUT)
    try:
        source, _, _ = await _card(request)
        target, _, _ = await _card(request, to.strip())
    except _Refused:
        return Outcome(Answer.error(400, "ERROR_INVALID_TRANSFER"))
    detail = {"pos": "toast", "toast_transaction": request.guid}
    try:
        card = await transfer_card(request.connection.business_id, source.id, target.id, detail=detail)
    except (InvalidInput, NotFound):
        return Outcome(Answer.error(400, "ERROR_INVALID_TRANSFER"))
    answer = Answer.of(
        200, {"transferResponse": {"loyaltyIdentifier": str(card.number)}, "transactionStatus": "ACCEPT"}
    )
    return Outcome(answer, card_id=card.id)
