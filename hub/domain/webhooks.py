"""Webhooks: endpoints per business, one delivery row per (endpoint, event), attempts logged.

A delivery is sent by an RQ job (`hub.workers.webhook_jobs`) that calls `attempt_delivery`;
the outcome is data on the row (status, attempts, last status code and response time).
Receivers see each event once: every attempt carries the same `Stamphub-Delivery` id to
dedupe on, a delivery is claimed with a conditional UPDATE so two workers never send it
at the same time, and a succeeded delivery is never sent again (a replay from the admin is
a new delivery with a new id).
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from hub import clock, egress
from hub.clock import utcnow
from hub.delivery import webhook_http
from hub.errors import InvalidInput, NotFound
from hub.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from hub.realtime.events import CardDeleted, CardIssued, CardStamped, LotteryDrawn, VoucherEvent, types_of
from hub.webhooks import signing

# What a business's own systems are told: what happened to its cards, not page redraws.
EVENTS = types_of(CardIssued, CardStamped, CardDeleted, VoucherEvent, LotteryDrawn)
# Never sent: the card page token opens the customer's card, and event ids are internal.
PRIVATE_FIELDS = ("token", "event_id")
PENDING = ("pending", "retrying", "sending")
SEND_LEASE = timedelta(seconds=webhook_http.TIMEOUT_SECONDS + 20)
MAX_ENDPOINTS = 10
DUE_SLACK = timedelta(seconds=1)

Poster = Callable[[str, bytes, dict[str, str]], Awaitable[webhook_http.Response]]


# --- Endpoints ---------------------------------------------------------------------------


def _check_url(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname or len(url) > 500:
        raise InvalidInput("Give a full http(s) URL, up to 500 characters.", field="url")
    if parts.username or parts.password:
        raise InvalidInput("Put credentials in your receiver, not in the URL.", field="url")
    if refusal := egress.check_url(url):
        raise InvalidInput(refusal, field="url")
    return url


def _check_events(events: list[str]) -> list[str]:
    chosen = sorted(set(events or []))
    unknown = [e for e in chosen if e not in EVENTS]
    if unknown or not chosen:
        raise InvalidInput(f"Choose events among: {', '.join(EVENTS)}.", field="events", unknown=unknown)
    return chosen


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


async def create_endpoint(business_id: int, url: str, events: list[str], *, description: str = "") -> WebhookEndpoint:
    """A receiver for the chosen events; its signing secret is in `.secret`."""
    url, events = _check_url(url), _check_events(events)
    if await WebhookEndpoint.filter(business_id=business_id, deleted_at__isnull=True).count() >= MAX_ENDPOINTS:
        raise InvalidInput(f"A business has at most {MAX_ENDPOINTS} webhook endpoints.")
    return await WebhookEndpoint.create(
        business_id=business_id,
        url=url,
        events=events,
        description=(description or "").strip()[:200],
        secret=new_secret(),
    )


async def get_endpoint(business_id: int, endpoint_id: int) -> WebhookEndpoint:
    endpoint = await WebhookEndpoint.get_or_none(id=endpoint_id, business_id=business_id, deleted_at__isnull=True)
    if endpoint is None:
        raise NotFound("No such webhook endpoint.")
    return endpoint


async def list_endpoints(business_id: int) -> list[WebhookEndpoint]:
    return await WebhookEndpoint.filter(business_id=business_id, deleted_at__isnull=True).order_by("id")


async def update_endpoint(
    business_id: int,
    endpoint_id: int,
    *,
    url: str | None = None,
    events: list[str] | None = None,
    description: str | None = None,
    active: bool | None = None,
) -> WebhookEndpoint:
    endpoint = await get_endpoint(business_id, endpoint_id)
    if url is not None:
        endpoint.url = _check_url(url)
    if events is not None:
        endpoint.events = _check_events(events)
    if description is not None:
        endpoint.description = description.strip()[:200]
    if active is not None:
        endpoint.active = active
    await endpoint.save()
    return endpoint


async def roll_secret(business_id: int, endpoint_id: int) -> WebhookEndpoint:
    """A new signing secret; attempts from now on are signed with it."""
    endpoint = await get_endpoint(business_id, endpoint_id)
    endpoint.secret = new_secret()
    await endpoint.save(update_fields=["secret"])
    return endpoint


async def delete_endpoint(business_id: int, endpoint_id: int) -> None:
    """Stops deliveries at once; the delivery log stays readable."""
    endpoint = await get_endpoint(business_id, endpoint_id)
    await WebhookEndpoint.filter(id=endpoint.id).update(deleted_at=utcnow(), active=False)


# --- Deliveries --------------------------------------------------------------------------


def _body(event: dict[str, Any], public_id: str, created_at: datetime) -> dict[str, Any]:
    data = {k: v for k, v in event.items() if k not in PRIVATE_FIELDS}
    return {"id": public_id, "type": event["type"], "created_at": created_at.isoformat(), "data": data}


def new_public_id() -> str:
    return "whd_" + uuid.uuid4().hex


async def record_deliveries(events: list[dict[str, Any]]) -> list[int]:
    """Delivery rows for every subscribed endpoint of each event; returns the ids created now.

    Safe to call twice with the same published events: the (endpoint, event id) key is unique.
    """
    wanted = [e for e in events if e.get("type") in EVENTS and e.get("business_id")]
    if not wanted:
        return []
    endpoints = await WebhookEndpoint.filter(
        business_id__in={e["business_id"] for e in wanted}, active=True, deleted_at__isnull=True
    )
    created: list[int] = []
    now = utcnow()
    for event in wanted:
        for endpoint in endpoints:
            if endpoint.business_id != event["business_id"] or event["type"] not in endpoint.events:
                continue
            public_id = new_public_id()
            event_id = event.get("event_id")
            dedupe = f"{endpoint.id}:{event_id}" if event_id is not None else f"once:{public_id}"
            try:
                delivery = await WebhookDelivery.create(
                    public_id=public_id,
                    business_id=endpoint.business_id,
                    endpoint_id=endpoint.id,
                    dedupe_key=dedupe,
                    event_id=event_id,
                    event_type=event["type"],
                    payload=_body(event, public_id, now),
                    next_attempt_at=now,
                )
            except IntegrityError:
                continue
            created.append(delivery.id)
    return created


def body_bytes(delivery: WebhookDelivery) -> bytes:
    """The exact bytes sent (and signed) on every attempt of a delivery."""
    return json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


async def attempt_delivery(
    delivery_id: int,
    intervals: list[int],
    *,
    post: Poster = webhook_http.post,
) -> str:
    """One HTTP attempt; returns "succeeded", "retry" (due again after `intervals[attempts - 1]` s),
    "failed" (attempts exhausted or endpoint gone) or "skipped" (already done or in flight)."""
    now = utcnow()
    # Only when due: a duplicate job for a delivery waiting out its backoff does nothing.
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + DUE_SLACK)
    claimable = (Q(status__in=("pending", "retrying")) & due) | Q(status="sending", sending_until__lt=now)
    claimed = await WebhookDelivery.filter(claimable, id=delivery_id).update(
        status="sending", sending_until=now + SEND_LEASE
    )
    if not claimed:
        return "skipped"
    delivery = await WebhookDelivery.get(id=delivery_id)
    endpoint = await WebhookEndpoint.get(id=delivery.endpoint_id)
    number = delivery.attempts + 1
    if not endpoint.active or endpoint.deleted_at is not None:
        await WebhookDelivery.filter(id=delivery.id).update(
            status="failed",
            sending_until=None,
            next_attempt_at=None,
            last_error="The endpoint was disabled or deleted.",
        )
        return "failed"
    body = body_bytes(delivery)
    headers = {
        signing.SIGNATURE_HEADER: signing.signature(endpoint.secret, int(clock.timestamp()), body),
        signing.DELIVERY_HEADER: delivery.public_id,
        signing.EVENT_HEADER: delivery.event_type,
    }
    response = await post(endpoint.url, body, headers)
    await WebhookAttempt.create(
        delivery_id=delivery.id,
        number=number,
        status_code=response.status_code,
        response_ms=response.elapsed_ms,
        error=response.error,
        succeeded=response.ok,
    )
    finished = utcnow()
    common = {
        "attempts": number,
        "last_status_code": response.status_code,
        "last_response_ms": response.elapsed_ms,
        "last_error": response.error,
        "sending_until": None,
    }
    if response.ok:
        await WebhookDelivery.filter(id=delivery.id).update(
            status="succeeded", delivered_at=finished, next_attempt_at=None, **common
        )
        return "succeeded"
    if response.permanent or number > len(intervals):
        await WebhookDelivery.filter(id=delivery.id).update(status="failed", next_attempt_at=None, **common)
        return "failed"
    due = finished + timedelta(seconds=intervals[number - 1])
    await WebhookDelivery.filter(id=delivery.id).update(status="retrying", next_attempt_at=due, **common)
    return "retry"


async def replay_delivery(business_id: int, delivery_id: int) -> WebhookDelivery:
    """Send a delivery again from the admin or the API.

    A failed one starts a fresh retry schedule under the same id (the receiver never
    processed it); a succeeded one becomes a new delivery with a new id, because the
    receiver rightly dedupes the old id. One still on its way is refused.
    """
    delivery = await WebhookDelivery.get_or_none(id=delivery_id, business_id=business_id)
    if delivery is None:
        raise NotFound("No such delivery.")
    await get_endpoint(business_id, delivery.endpoint_id)
    if delivery.status in PENDING:
        raise InvalidInput("This delivery is still being sent; wait for it to finish.")
    now = utcnow()
    if delivery.status == "failed":
        reset = await WebhookDelivery.filter(id=delivery.id, status="failed").update(
            status="pending", attempts=0, next_attempt_at=now, last_error=""
        )
        if not reset:
            raise InvalidInput("This delivery is still being sent; wait for it to finish.")
        await delivery.refresh_from_db()
        return delivery
    public_id = new_public_id()
    payload = {**delivery.payload, "id": public_id}
    return await WebhookDelivery.create(
        public_id=public_id,
        business_id=business_id,
        endpoint_id=delivery.endpoint_id,
        dedupe_key=f"replay:{public_id}",
        event_id=delivery.event_id,
        event_type=delivery.event_type,
        payload=payload,
        next_attempt_at=now,
        replay_of=delivery.id,
    )


async def unsent_deliveries(*, older_than: timedelta = timedelta(minutes=2), limit: int = 100) -> list[int]:
    """Deliveries recorded but never attempted (their job was lost, e.g. Redis was down)."""
    cutoff = utcnow() - older_than
    return (
        await WebhookDelivery.filter(status="pending", attempts=0, created_at__lt=cutoff)
        .order_by("id")
        .limit(limit)
        .values_list("id", flat=True)
    )


async def list_deliveries(
    business_id: int, *, endpoint_id: int | None = None, limit: int = 50
) -> list[WebhookDelivery]:
    query = WebhookDelivery.filter(business_id=business_id)
    if endpoint_id is not None:
        query = query.filter(endpoint_id=endpoint_id)
    return await query.order_by("-id").limit(min(max(limit, 1), 200))


def delivery_dict(delivery: WebhookDelivery) -> dict[str, Any]:
    def iso(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "id": delivery.id,
        "delivery_id": delivery.public_id,
        "endpoint_id": delivery.endpoint_id,
        "event_type": delivery.event_type,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "last_status_code": delivery.last_status_code,
        "last_response_ms": delivery.last_response_ms,
        "last_error": delivery.last_error,
        "next_attempt_at": iso(delivery.next_attempt_at) if delivery.status in PENDING else None,
        "delivered_at": iso(delivery.delivered_at),
        "replay_of": delivery.replay_of,
        "created_at": iso(delivery.created_at),
    }
