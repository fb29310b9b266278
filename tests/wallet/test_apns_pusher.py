import asyncio
import uuid

from hub.domain.stamps import add_stamp, adjust_stamps
from hub.models import Card, WalletDelivery, WalletRegistration
from hub.wallet import passes, sync
from hub.wallet.apns import TOKEN_LIFETIME, ApnsClient
from hub.wallet.config import wallet_config
from hub.workers.queue import job_queue
from tests.conftest import REDIS_URL, eventually
from tests.factories import new_card
from tests.wallet.conftest import APNS_KEY_ID, TEAM_ID, jobs_for
from tests.wallet.services import verified
from tests.workers import run_burst_worker


async def registered_card(shop, push_token: str | None = None) -> tuple[Card, str, str]:
    card = await new_card(shop)
    device, token = uuid.uuid4().hex, push_token or uuid.uuid4().hex * 2
    await passes.register_device(card.id, device, token)
    return card, device, token


async def test_a_change_pushes_an_empty_payload_with_a_provider_token(wallet, shop):
    card, device, token = await registered_card(shop)
    await adjust_stamps(shop.business_id, card.id, 2)
    report = await sync.sync_card(card.id)
    assert report.apple == {device: "accepted"}
    [push] = wallet.apns.received(token)
    assert push.body == b"{}" and push.http_version == "2"
    assert push.headers["apns-topic"] == wallet_config().apple.pass_type_id


async def test_nothing_is_pushed_twice_for_the_same_version(wallet, shop):
    card, device, token = await registered_card(shop)
    await adjust_stamps(shop.business_id, card.id, 1)
    await sync.sync_card(card.id)
    again = await sync.sync_card(card.id)
    assert not again.changed
    assert len(wallet.apns.received(token)) == 1
    assert await WalletDelivery.filter(card_id=card.id).count() == 1


async def test_410_removes_the_registration_and_the_apple_mark(wallet, shop):
    card, device, token = await registered_card(shop)
    assert "apple" in (await Card.get(id=card.id)).platforms
    wallet.apns.answer(token, 410)
    await adjust_stamps(shop.business_id, card.id, 1)
    report = await sync.sync_card(card.id)
    assert report.apple == {device: "gone"}
    assert not await WalletRegistration.filter(card_id=card.id).exists()
    assert "apple" not in (await Card.get(id=card.id)).platforms


async def test_429_is_retried_with_backoff_until_accepted(wallet, shop):
    card, device, token = await registered_card(shop)
    wallet.apns.answer(token, 429, 503)
    await adjust_stamps(shop.business_id, card.id, 1)
    report = await sync.sync_card(card.id)
    assert report.apple == {device: "accepted"} and not report.transient
    assert len(wallet.apns.received(token)) == 3
    delivery = await WalletDelivery.get(card_id=card.id)
    assert delivery.status == "accepted" and delivery.attempts == 3


async def test_a_push_that_keeps_failing_is_left_for_the_job_retry(wallet, shop):
    card, device, token = await registered_card(shop)
    wallet.apns.answer(token, 500, 500, 500)
    await adjust_stamps(shop.business_id, card.id, 1)
    report = await sync.sync_card(card.id)
    assert report.transient and report.apple == {device: "retrying"}
    # The retry (RQ re-runs the job) pushes the same version once more and succeeds.
    retried = await sync.sync_card(card.id)
    assert retried.apple == {device: "accepted"}
    delivery = await WalletDelivery.get(card_id=card.id)
    assert delivery.status == "accepted" and delivery.attempts == 4


async def test_the_provider_token_is_reused_until_it_is_fifty_minutes_old(wallet):
    now = [1_800_000_000.0]
    client = ApnsClient(wallet_config().apple, clock=lambda: now[0])
    try:
        first = client.bearer()
        now[0] += TOKEN_LIFETIME - 1
        assert client.bearer() == first
        now[0] += 2
        renewed = client.bearer()
        assert renewed != first
        header, claims = verified(renewed, wallet.apns.public_key)
        assert header == {"alg": "ES256", "typ": "JWT", "kid": APNS_KEY_ID}
        assert claims == {"iss": TEAM_ID, "iat": int(now[0])}
    finally:
        await client.aclose()


async def test_pushes_from_one_worker_share_one_token(wallet, shop):
    card, _, token = await registered_card(shop)
    await adjust_stamps(shop.business_id, card.id, 1)
    await sync.sync_card(card.id)
    await adjust_stamps(shop.business_id, card.id, 1)
    await sync.sync_card(card.id)
    bearers = {p.bearer for p in wallet.apns.received(token)}
    assert len(wallet.apns.received(token)) == 2 and len(bearers) == 1


async def test_a_burst_of_stamps_costs_one_push(live, wallet, shop, configure):
    configure(WALLET_COALESCE_SECONDS="1")
    card, _, token = await registered_card(shop)
    for _ in range(4):
        await add_stamp(shop.business_id, card.id)
    queue = job_queue(REDIS_URL)
    await eventually(lambda: len(jobs_for(queue, card.id, scheduled=True)) == 1)
    await asyncio.sleep(0.5)  # let the relay hand every stamp to the reaction
    assert len(jobs_for(queue, card.id, scheduled=True)) == 1 and not jobs_for(queue, card.id)
    await asyncio.sleep(0.8)
    await run_burst_worker(scheduler=True)
    assert len(wallet.apns.received(token)) == 1
    stamps = (await Card.get(id=card.id)).stamps
    content, _ = await sync.current_pass(await Card.get(id=card.id))
    assert content.stamps == stamps == 4


async def test_a_change_after_the_sync_started_schedules_another(live, wallet, shop):
    card, _, token = await registered_card(shop)
    queue = job_queue(REDIS_URL)
    await eventually(lambda: jobs_for(queue, card.id))  # the registration itself (card.updated)
    await run_burst_worker()
    await add_stamp(shop.business_id, card.id)
    await eventually(lambda: jobs_for(queue, card.id))
    await run_burst_worker()
    assert len(wallet.apns.received(token)) >= 1
    assert (await WalletDelivery.filter(card_id=card.id, status="accepted").count()) == len(wallet.apns.received(token))


async def test_a_job_whose_pushes_keep_failing_is_scheduled_for_a_retry(live, wallet, shop):
    card, device, token = await registered_card(shop)
    queue = job_queue(REDIS_URL)
    await eventually(lambda: jobs_for(queue, card.id))  # the registration's own card.updated
    wallet.apns.answer(token, 503, 503, 503)
    await run_burst_worker()
    [job] = jobs_for(queue, card.id, scheduled=True)
    assert job.retries_left == 4
    delivery = await WalletDelivery.get(card_id=card.id)
    assert delivery.status == "retrying" and delivery.detail.startswith("503")
