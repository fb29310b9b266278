import asyncio
import json
import time
import uuid
from datetime import timedelta

import pytest

from hub.clock import utcnow
from hub.domain import webhooks
from hub.domain.stamps import add_stamp
from hub.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from hub.webhooks import signing
from hub.workers.cron import build_scheduler
from hub.workers.queue import job_queue
from tests.api_steps import auth
from tests.workers import run_burst_worker, settle_earlier_work

FAST_RETRIES = {"STAMPHUB_WEBHOOK_RETRY_INTERVALS": "1,1,1"}


async def register(api, shop, url: str, events: list[str]) -> dict:
    response = await api.post(
        "/api/v1/webhooks/endpoints",
        json={"url": url, "events": events, "description": "till"},
        headers=auth(shop, str(uuid.uuid4())),
    )
    assert response.status_code == 201, response.text
    return response.json()


async def delivery_for(endpoint_id: int, timeout: float = 10.0) -> WebhookDelivery:
    """The relay records deliveries right after it publishes the event."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = await WebhookDelivery.filter(endpoint_id=endpoint_id).order_by("-id").first()
        if found is not None:
            return found
        await asyncio.sleep(0.05)
    raise AssertionError("no delivery was recorded")


async def until_finished(delivery_id: int, rounds: int = 8) -> WebhookDelivery:
    for _ in range(rounds):
        await run_burst_worker(scheduler=True, **FAST_RETRIES)
        delivery = await WebhookDelivery.get(id=delivery_id)
        if delivery.status in ("succeeded", "failed"):
            return delivery
        await asyncio.sleep(1.1)  # the retry interval: the next burst finds the job due
    raise AssertionError(f"delivery still {delivery.status}")


async def test_a_receiver_gets_a_signed_delivery_of_the_events_it_chose(api, live, shop, receiver):
    await settle_earlier_work()
    endpoint = await register(api, shop, receiver.url, ["card.stamped"])
    assert endpoint["secret"].startswith("whsec_")
    await add_stamp(shop.business_id, shop.card.id)
    delivery = await delivery_for(endpoint["id"])
    assert delivery.event_type == "card.stamped"
    assert (await until_finished(delivery.id)).status == "succeeded"

    [received] = receiver.requests
    assert signing.verify(endpoint["secret"], received.headers[signing.SIGNATURE_HEADER], received.body)
    assert not signing.verify("whsec_wrong", received.headers[signing.SIGNATURE_HEADER], received.body)
    assert not signing.verify(endpoint["secret"], received.headers[signing.SIGNATURE_HEADER], received.body + b" ")
    assert received.headers[signing.DELIVERY_HEADER] == delivery.public_id == received.json["id"]
    assert received.headers[signing.EVENT_HEADER] == "card.stamped"
    body = received.json
    assert body["type"] == "card.stamped"
    assert body["data"]["number"] == shop.card.number and body["data"]["stamps"] == 1
    assert "token" not in body["data"], "the card page token must never leave Stamphub"
    assert (await WebhookDelivery.get(id=delivery.id)).last_response_ms is not None


async def test_a_receiver_failing_twice_gets_the_event_exactly_once_after_retries(api, live, shop, receiver):
    await settle_earlier_work()
    receiver.fail_first = 2
    endpoint = await register(api, shop, receiver.url, ["card.stamped"])
    await add_stamp(shop.business_id, shop.card.id)
    delivery = await delivery_for(endpoint["id"])
    finished = await until_finished(delivery.id)
    assert finished.status == "succeeded" and finished.attempts == 3 and finished.last_status_code == 200

    ids = {r.headers[signing.DELIVERY_HEADER] for r in receiver.requests}
    assert len(receiver.requests) == 3 and ids == {delivery.public_id}
    assert len(receiver.accepted()) == 1
    attempts = await WebhookAttempt.filter(delivery_id=delivery.id).order_by("number")
    assert [(a.number, a.status_code, a.succeeded) for a in attempts] == [
        (1, 500, False),
        (2, 500, False),
        (3, 200, True),
    ]
    assert all(a.response_ms >= 0 for a in attempts)

    # A succeeded delivery is never sent again, whatever runs later.
    await run_burst_worker(scheduler=True, **FAST_RETRIES)
    assert await webhooks.attempt_delivery(delivery.id, [1]) == "skipped"
    assert len(receiver.requests) == 3

    # A replay from the admin is a new delivery with its own id.
    replay = await api.post(f"/api/v1/webhooks/deliveries/{delivery.id}/replay", headers=auth(shop, str(uuid.uuid4())))
    assert replay.status_code == 202, replay.text
    assert replay.json()["replay_of"] == delivery.id and replay.json()["delivery_id"] != delivery.public_id
    assert (await until_finished(replay.json()["id"])).status == "succeeded"
    assert receiver.requests[-1].headers[signing.DELIVERY_HEADER] == replay.json()["delivery_id"]
    assert receiver.requests[-1].json["data"] == receiver.accepted()[0].json["data"]


async def test_events_an_endpoint_did_not_choose_are_not_sent(api, live, shop, receiver):
    endpoint = await register(api, shop, receiver.url, ["voucher.redeemed"])
    await add_stamp(shop.business_id, shop.card.id)
    await asyncio.sleep(0.5)
    assert not await WebhookDelivery.filter(endpoint_id=endpoint["id"]).exists()


async def test_a_delivery_gives_up_after_its_schedule_and_a_replay_retries_it(shop, receiver):
    receiver.fail_first = 100
    endpoint = await webhooks.create_endpoint(shop.business_id, receiver.url, ["card.stamped"])
    [delivery_id] = await webhooks.record_deliveries(
        [{"type": "card.stamped", "business_id": shop.business_id, "event_id": -1, "token": "secret", "number": 1}]
    )
    # Recording the same published event again creates nothing (relay reruns are harmless).
    assert (
        await webhooks.record_deliveries([{"type": "card.stamped", "business_id": shop.business_id, "event_id": -1}])
        == []
    )
    assert await webhooks.attempt_delivery(delivery_id, [0]) == "retry"
    assert await webhooks.attempt_delivery(delivery_id, [0]) == "failed"
    failed = await WebhookDelivery.get(id=delivery_id)
    assert failed.status == "failed" and failed.attempts == 2 and failed.last_status_code == 500
    replayed = await webhooks.replay_delivery(shop.business_id, delivery_id)
    assert replayed.id == delivery_id and replayed.status == "pending"
    receiver.fail_first = 0
    assert await webhooks.attempt_delivery(delivery_id, [0]) == "succeeded"
    assert json.loads(receiver.requests[-1].body)["data"] == {
        "type": "card.stamped",
        "business_id": shop.business_id,
        "number": 1,
    }
    assert await WebhookEndpoint.filter(id=endpoint.id).exists()


async def test_a_delivery_whose_job_never_reached_redis_goes_out_with_the_minute_jobs(shop, receiver):
    await settle_earlier_work()
    await webhooks.create_endpoint(shop.business_id, receiver.url, ["card.stamped"])
    # Recorded, but Redis was away when its job was to be queued; that was ten minutes ago.
    [delivery_id] = await webhooks.record_deliveries(
        [{"type": "card.stamped", "business_id": shop.business_id, "event_id": -3}]
    )
    await WebhookDelivery.filter(id=delivery_id).update(created_at=utcnow() - timedelta(minutes=10))
    queue = job_queue()
    build_scheduler(queue.connection, queue.name).enqueue_jobs()  # what `stamphub cron` does each minute
    await run_burst_worker(scheduler=True)
    assert (await WebhookDelivery.get(id=delivery_id)).status == "succeeded"
    assert len(receiver.requests) == 1


async def test_a_delivery_waiting_out_its_backoff_is_not_sent_early(shop, receiver):
    receiver.fail_first = 1
    await webhooks.create_endpoint(shop.business_id, receiver.url, ["card.stamped"])
    [delivery_id] = await webhooks.record_deliveries(
        [{"type": "card.stamped", "business_id": shop.business_id, "event_id": -2}]
    )
    assert await webhooks.attempt_delivery(delivery_id, [60]) == "retry"
    assert await webhooks.attempt_delivery(delivery_id, [60]) == "skipped"  # a duplicate job, too early
    assert len(receiver.requests) == 1


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"url": "ftp://example.com/x", "events": ["card.stamped"]}, "url"),
        ({"url": "https://user:pw@example.com/x", "events": ["card.stamped"]}, "url"),
        ({"url": "https://example.com/x", "events": ["card.exploded"]}, "events"),
    ],
)
async def test_bad_endpoints_are_refused(api, shop, body, problem):
    response = await api.post("/api/v1/webhooks/endpoints", json=body, headers=auth(shop, str(uuid.uuid4())))
    assert response.status_code == 422 and response.json()["field"] == problem


async def test_only_admin_keys_manage_webhooks(api, shop):
    from hub.domain.api_keys import create_api_key

    _, plain = await create_api_key(shop.business_id, "till", ["stamp", "read"])
    response = await api.get("/api/v1/webhooks/endpoints", headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code == 403
