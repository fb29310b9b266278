"""Integration API: redeem codes (behind the redeem-code limiter), webhook endpoints and deliveries,
delivery insert batches (with their printable PDF) and receipt QR keys.

Every POST here takes an `Idempotency-Key` header: the first answer is stored and a retry
with the same key and body gets it back unchanged (`Idempotent-Replayed: true`); the same
key with another body is refused with 409.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from tortoise.exceptions import IntegrityError

from hub.api.auth import api_key, require
from hub.api.types import INT32_MAX, Amount, ApiModel, BigIdPath, Id, IdPath, IdQuery
from hub.clock import utcnow
from hub.domain import inserts, receipts, webhooks
from hub.domain.vouchers import find_by_redeem_code, redeem_voucher
from hub.errors import IdempotencyReplay, InvalidInput
from hub.models import ApiIdempotency, ApiKey, ReceiptKey, Voucher, WebhookEndpoint
from hub.runtime import runtime
from hub.webhooks.reactions import enqueue_deliveries

router = APIRouter()
log = logging.getLogger(__name__)

IdempotencyKey = Annotated[
    str,
    Header(alias="Idempotency-Key", max_length=128, description="A unique key per intended operation (e.g. a UUID)."),
]
Key = Annotated[ApiKey, Depends(api_key)]


# --- Idempotency -------------------------------------------------------------------------


async def idempotent(
    key: ApiKey,
    idempotency_key: str,
    route: str,
    body: Any,
    produce: Callable[[], Awaitable[tuple[int, Any]]],
) -> JSONResponse:
    """Run `produce` once per (business, idempotency key); replay its stored answer afterwards.

    The key is reserved before the work starts, so two concurrent requests with one key
    never both act; a request that fails with a domain error releases its key.
    """
    if not idempotency_key or not idempotency_key.strip():
        raise InvalidInput("Send an `Idempotency-Key` header (e.g. a UUID) with every POST.", field="Idempotency-Key")
    digest = hashlib.sha256(json.dumps(jsonable_encoder(body), sort_keys=True).encode()).hexdigest()
    try:
        record = await ApiIdempotency.create(
            business_id=key.business_id,
            key=idempotency_key,
            route=route,
            request_hash=digest,
            status_code=0,
            response={},
        )
    except IntegrityError:
        stored = await ApiIdempotency.get(business_id=key.business_id, key=idempotency_key)
        if stored.route != route or stored.request_hash != digest:
            raise IdempotencyReplay("This idempotency key was used for a different request.") from None
        if stored.status_code == 0:
            raise IdempotencyReplay("A request with this idempotency key is still running.") from None
        return JSONResponse(stored.response, status_code=stored.status_code, headers={"Idempotent-Replayed": "true"})
    try:
        status, payload = await produce()
    except BaseException:
        await ApiIdempotency.filter(id=record.id).delete()
        raise
    payload = jsonable_encoder(payload)
    await ApiIdempotency.filter(id=record.id).update(status_code=status, response=payload)
    return JSONResponse(payload, status_code=status)


# --- Redeem codes ----------------------------------------------------------------------------


def journal_key(idempotency_key: str) -> str:
    """The journal's idempotency key for a POS redemption: prefixed, and hashed when the prefix
    would make it longer than the journal's 128 characters."""
    key = f"pos:{idempotency_key}"
    return key if len(key) <= 128 else "pos:sha256:" + hashlib.sha256(idempotency_key.encode()).hexdigest()


async def voucher_by_redeem_code(key: ApiKey, request: Request, raw: str) -> Voucher:
    rt = runtime()
    client = request.client.host if request.client else "unknown"
    return await find_by_redeem_code(rt.redis, rt.settings.redis_prefix, key.business_id, raw, client=client)


class RedeemCodeIn(ApiModel):
    redeem_code: str = Field(min_length=1, max_length=32, examples=["7KQM-4TZ9"])


class VoucherInfo(BaseModel):
    id: int
    title: str
    state: str = Field(description="issued | active | redeemed | expired")
    redeemable: bool
    expires_at: datetime | None
    redeemed_at: datetime | None
    card_number: int


class RedemptionOut(BaseModel):
    outcome: str = Field(description="redeemed | rejected", examples=["redeemed"])
    reason: str | None = Field(description="already_redeemed | expired | card_deleted", examples=[None])
    message: str = Field(examples=["Voucher redeemed: Free coffee"])
    card: dict[str, Any]
    voucher: dict[str, Any] | None
    detail: dict[str, Any]


@router.post("/redeem-codes/check", response_model=VoucherInfo, tags=["redeem codes"])
async def check_redeem_code(body: RedeemCodeIn, key: Key, request: Request) -> dict:
    """Look a redeem code up without redeeming it (a POS validating a promo code field).

    A typo is caught by the check character before any lookup (422 `invalid_input`). After
    10 unknown codes for one business from one address, each further unknown code doubles the
    wait before the next attempt (1 s, 2 s, 4 s, … at most 15 minutes); meanwhile every
    attempt gets 429 with `Retry-After`. Read-only, so no idempotency key is needed.
    """
    require(key, "redeem")
    voucher = await voucher_by_redeem_code(key, request, body.redeem_code)
    await voucher.fetch_related("card")
    return {
        "id": voucher.id,
        "title": voucher.title,
        "state": voucher.state.value,
        "redeemable": voucher.state.value in ("issued", "active")
        and (voucher.expires_at is None or voucher.expires_at > utcnow()),
        "expires_at": voucher.expires_at,
        "redeemed_at": voucher.redeemed_at,
        "card_number": voucher.card.number,
    }


@router.post("/redeem-codes/redeem", response_model=RedemptionOut, tags=["redeem codes"])
async def redeem_by_code(body: RedeemCodeIn, key: Key, request: Request, idempotency_key: IdempotencyKey) -> Any:
    """Redeem the voucher behind a redeem code, exactly once; a second use is `rejected` /
    `already_redeemed`, naming when and where. Same limit as `/redeem-codes/check`."""
    require(key, "redeem")

    async def produce() -> tuple[int, Any]:
        voucher = await voucher_by_redeem_code(key, request, body.redeem_code)
        result = await redeem_voucher(key.business_id, voucher, via="pos", idempotency_key=journal_key(idempotency_key))
        return 200, result.as_dict()

    return await idempotent(key, idempotency_key, "redeem-codes/redeem", body, produce)


# --- Webhooks ----------------------------------------------------------------------------


class EndpointIn(ApiModel):
    url: str = Field(max_length=500, examples=["https://pos.example.com/stamphub/webhook"])
    events: list[str] = Field(
        min_length=1,
        examples=[["card.stamped", "voucher.redeemed"]],
        description=f"Any of: {', '.join(webhooks.EVENTS)}",
    )
    description: str = Field(default="", max_length=200, examples=["Till sync"])


class EndpointPatch(ApiModel):
    url: str | None = Field(default=None, max_length=500)
    events: list[str] | None = None
    description: str | None = Field(default=None, max_length=200)
    active: bool | None = None


class EndpointOut(BaseModel):
    id: int
    url: str
    events: list[str]
    description: str
    active: bool
    created_at: datetime


class EndpointWithSecret(EndpointOut):
    secret: str = Field(description="Verifies `Stamphub-Signature`; shown on creation and when rolled.")


class DeliveryOut(BaseModel):
    id: int
    delivery_id: str = Field(description="The `Stamphub-Delivery` header: dedupe on it.")
    endpoint_id: int
    event_type: str
    status: str = Field(description="pending | sending | retrying | succeeded | failed")
    attempts: int
    last_status_code: int | None
    last_response_ms: int | None
    last_error: str
    next_attempt_at: str | None
    delivered_at: str | None
    replay_of: int | None
    created_at: str | None


def _endpoint(endpoint: WebhookEndpoint, *, secret: bool = False) -> dict[str, Any]:
    out = {
        "id": endpoint.id,
        "url": endpoint.url,
        "events": endpoint.events,
        "description": endpoint.description,
        "active": endpoint.active,
        "created_at": endpoint.created_at,
    }
    if secret:
        out["secret"] = endpoint.secret
    return out


@router.get("/webhooks/events", response_model=list[str], tags=["webhooks"])
async def webhook_events(key: Key) -> list[str]:
    """The event types an endpoint can subscribe to."""
    require(key, "read")
    return list(webhooks.EVENTS)


@router.post("/webhooks/endpoints", status_code=201, response_model=EndpointWithSecret, tags=["webhooks"])
async def create_webhook_endpoint(body: EndpointIn, key: Key, idempotency_key: IdempotencyKey) -> Any:
    """Register a receiver. Each delivery is a POST of `{id, type, created_at, data}` signed with
    `Stamphub-Signature: t=<ts>,v1=<hex HMAC-SHA256(secret, "<ts>.<body>")>`."""
    require(key, "admin")

    async def produce() -> tuple[int, Any]:
        endpoint = await webhooks.create_endpoint(key.business_id, body.url, body.events, description=body.description)
        return 201, _endpoint(endpoint, secret=True)

    return await idempotent(key, idempotency_key, "webhooks/endpoints", body, produce)


@router.get("/webhooks/endpoints", response_model=list[EndpointOut], tags=["webhooks"])
async def list_webhook_endpoints(key: Key) -> list[dict]:
    require(key, "admin")
    return [_endpoint(e) for e in await webhooks.list_endpoints(key.business_id)]


@router.patch("/webhooks/endpoints/{endpoint_id}", response_model=EndpointOut, tags=["webhooks"])
async def update_webhook_endpoint(endpoint_id: IdPath, body: EndpointPatch, key: Key) -> dict:
    require(key, "admin")
    endpoint = await webhooks.update_endpoint(key.business_id, endpoint_id, **body.model_dump(exclude_unset=True))
    return _endpoint(endpoint)


@router.delete("/webhooks/endpoints/{endpoint_id}", status_code=204, tags=["webhooks"])
async def delete_webhook_endpoint(endpoint_id: IdPath, key: Key) -> Response:
    require(key, "admin")
    await webhooks.delete_endpoint(key.business_id, endpoint_id)
    return Response(status_code=204)


@router.post("/webhooks/endpoints/{endpoint_id}/roll-secret", response_model=EndpointWithSecret, tags=["webhooks"])
async def roll_webhook_secret(endpoint_id: IdPath, key: Key, idempotency_key: IdempotencyKey) -> Any:
    require(key, "admin")

    async def produce() -> tuple[int, Any]:
        return 200, _endpoint(await webhooks.roll_secret(key.business_id, endpoint_id), secret=True)

    return await idempotent(key, idempotency_key, f"webhooks/endpoints/{endpoint_id}/roll-secret", {}, produce)


@router.get("/webhooks/deliveries", response_model=list[DeliveryOut], tags=["webhooks"])
async def list_webhook_deliveries(
    key: Key, endpoint_id: IdQuery = None, limit: Annotated[int, Query(ge=1, le=200)] = 50
) -> list[dict]:
    """The delivery log, newest first: status, attempts, last status code and response time."""
    require(key, "admin")
    rows = await webhooks.list_deliveries(key.business_id, endpoint_id=endpoint_id, limit=limit)
    return [webhooks.delivery_dict(d) for d in rows]


@router.post(
    "/webhooks/deliveries/{delivery_id}/replay", status_code=202, response_model=DeliveryOut, tags=["webhooks"]
)
async def replay_webhook_delivery(delivery_id: BigIdPath, key: Key, idempotency_key: IdempotencyKey) -> Any:
    """Send a finished delivery again: a failed one retries under its id, a succeeded one is
    sent as a new delivery with a new id."""
    require(key, "admin")

    async def produce() -> tuple[int, Any]:
        delivery = await webhooks.replay_delivery(key.business_id, delivery_id)
        await enqueue_deliveries([delivery.id])
        return 202, webhooks.delivery_dict(delivery)

    return await idempotent(key, idempotency_key, f"webhooks/deliveries/{delivery_id}/replay", {}, produce)


# --- Delivery inserts --------------------------------------------------------------------


class InsertBatchIn(ApiModel):
    template_id: Id
    name: str = Field(min_length=1, max_length=120, examples=["Delivery bags, December"])
    size: int = Field(ge=1, le=inserts.MAX_BATCH, examples=[200])
    kind: str = Field(default="stamp", description="stamp | lottery", examples=["stamp"])
    pool_id: Id | None = Field(default=None, description="The prize pool of a lottery batch.")
    expires_at: datetime | None = None


class InsertBatchOut(BaseModel):
    id: int
    name: str
    kind: str
    template_id: int
    pool_id: int | None
    printed: int
    used: int
    new_cards: int = Field(description="Codes used on cards issued after the batch was made.")
    conversion: float = Field(description="used / printed", examples=[0.23])
    expires_at: str | None
    created_at: str
    pdf_url: str


def _batch(stats: dict[str, Any]) -> dict[str, Any]:
    return {**stats, "pdf_url": f"/api/v1/insert-batches/{stats['id']}/pdf"}


@router.post("/insert-batches", status_code=201, response_model=InsertBatchOut, tags=["delivery inserts"])
async def create_insert_batch(body: InsertBatchIn, key: Key, idempotency_key: IdempotencyKey) -> Any:
    """Make a batch of one-time QR codes; download the A4 sheets from `pdf_url`."""
    require(key, "admin")

    async def produce() -> tuple[int, Any]:
        batch = await inserts.create_batch(
            key.business_id,
            body.template_id,
            name=body.name,
            size=body.size,
            kind=body.kind,
            pool_id=body.pool_id,
            expires_at=body.expires_at,
        )
        return 201, _batch(await inserts.batch_stats(batch))

    return await idempotent(key, idempotency_key, "insert-batches", body, produce)


@router.get("/insert-batches", response_model=list[InsertBatchOut], tags=["delivery inserts"])
async def list_insert_batches(key: Key) -> list[dict]:
    require(key, "read")
    return [_batch(s) for s in await inserts.list_batches(key.business_id)]


@router.get("/insert-batches/{batch_id}", response_model=InsertBatchOut, tags=["delivery inserts"])
async def read_insert_batch(batch_id: IdPath, key: Key) -> dict:
    """Per-batch stats: printed, used, conversion."""
    require(key, "read")
    return _batch(await inserts.batch_stats(await inserts.get_batch(key.business_id, batch_id)))


@router.get(
    "/insert-batches/{batch_id}/pdf", tags=["delivery inserts"], responses={200: {"content": {"application/pdf": {}}}}
)
async def download_insert_batch(batch_id: IdPath, key: Key) -> Response:
    """The printable A4 PDF: eight cut-out cards per page in the card's colours."""
    require(key, "admin")
    batch = await inserts.get_batch(key.business_id, batch_id)
    conf = runtime().settings
    pdf = await inserts.batch_pdf(batch, conf.secret_key, conf.public_url)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="inserts-{batch.id}.pdf"'},
    )


# --- Receipt QR keys ---------------------------------------------------------------------


class ReceiptKeyIn(ApiModel):
    location_id: Id
    template_id: Id
    pool_id: Id | None = Field(default=None, description="Fire a lottery draw from this pool instead of stamps.")
    min_amount: Amount = Field(default=0, description="In minor units (cents).", examples=[500])
    amount_per_stamp: int | None = Field(
        default=None, ge=1, le=INT32_MAX, description="One stamp per this much (minor units)."
    )
    max_stamps: int = Field(default=1, ge=1, le=20)
    max_age_hours: int = Field(default=48, ge=1, le=24 * 90)


class ReceiptKeyOut(BaseModel):
    id: int
    location_id: int
    template_id: int
    pool_id: int | None
    min_amount: int
    amount_per_stamp: int | None
    max_stamps: int
    max_age_hours: int
    created_at: datetime
    retired_at: datetime | None
    revoked_at: datetime | None


class ReceiptKeyWithSecret(ReceiptKeyOut):
    secret: str = Field(description="64 hex digits; configure it in the till. Shown once.")


def _receipt_key(key: ReceiptKey, *, secret: bool = False) -> dict[str, Any]:
    out = {name: getattr(key, name) for name in ReceiptKeyOut.model_fields}
    if secret:
        out["secret"] = key.secret
    return out


@router.post("/receipt-keys", status_code=201, response_model=ReceiptKeyWithSecret, tags=["receipt QR"])
async def create_receipt_key(body: ReceiptKeyIn, key: Key, idempotency_key: IdempotencyKey) -> Any:
    """A new receipt secret for a location (retiring its previous one); see docs/RECEIPT_QR.md."""
    require(key, "admin")

    async def produce() -> tuple[int, Any]:
        created = await receipts.create_receipt_key(key.business_id, **body.model_dump())
        return 201, _receipt_key(created, secret=True)

    return await idempotent(key, idempotency_key, "receipt-keys", body, produce)


@router.get("/receipt-keys", response_model=list[ReceiptKeyOut], tags=["receipt QR"])
async def list_receipt_keys(key: Key) -> list[dict]:
    require(key, "admin")
    return [_receipt_key(k) for k in await receipts.receipt_keys(key.business_id)]


@router.delete("/receipt-keys/{key_id}", status_code=204, tags=["receipt QR"])
async def revoke_receipt_key(key_id: IdPath, key: Key) -> Response:
    """Revoke a leaked secret: every receipt signed with it is refused from now on."""
    require(key, "admin")
    await receipts.revoke_receipt_key(key.business_id, key_id)
    return Response(status_code=204)
