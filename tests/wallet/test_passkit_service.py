import uuid

from hub.domain import codes
from hub.models import Card, WalletDelivery, WalletDevice, WalletRegistration
from hub.wallet.apple import authentication_token
from hub.workers.queue import job_queue
from tests.conftest import REDIS_URL, eventually
from tests.events import CapturedEvents
from tests.factories import new_card
from tests.wallet.conftest import PASS_TYPE_ID, jobs_for, pass_json
from tests.workers import run_burst_worker


def auth(secret: bytes, card: Card) -> dict[str, str]:
    return {"Authorization": f"ApplePass {authentication_token(secret, card.id)}"}


def registration_url(device: str, card: Card) -> str:
    return f"/passkit/v1/devices/{device}/registrations/{PASS_TYPE_ID}/{card.number}"


async def test_register_stamp_push_list_fetch_and_not_modified(api, live, wallet, shop, secret):
    device, push_token = uuid.uuid4().hex, uuid.uuid4().hex * 2
    card = shop.card
    created = await api.post(registration_url(device, card), json={"pushToken": push_token}, headers=auth(secret, card))
    assert created.status_code == 201
    listed = await api.get(f"/passkit/v1/devices/{device}/registrations/{PASS_TYPE_ID}")
    assert listed.status_code == 200
    assert listed.json()["serialNumbers"] == [str(card.number)]
    tag = listed.json()["lastUpdated"]
    assert isinstance(tag, str)
    unchanged = await api.get(
        f"/passkit/v1/devices/{device}/registrations/{PASS_TYPE_ID}", params={"passesUpdatedSince": tag}
    )
    assert unchanged.status_code == 204

    stamped = await api.post(
        "/api/v1/scans",
        json={"code": codes.card_code(secret, card.number), "idempotency_key": uuid.uuid4().hex},
        headers={"Authorization": f"Bearer {shop.api_key}"},
    )
    assert stamped.status_code == 200, stamped.text
    queue = job_queue(REDIS_URL)
    await eventually(lambda: jobs_for(queue, card.id))
    await run_burst_worker()
    pushes = wallet.apns.received(push_token)
    assert len(pushes) == 1
    assert pushes[0].http_version == "2" and pushes[0].topic == PASS_TYPE_ID and pushes[0].body == b"{}"

    changed = await api.get(
        f"/passkit/v1/devices/{device}/registrations/{PASS_TYPE_ID}", params={"passesUpdatedSince": tag}
    )
    assert changed.status_code == 200
    assert changed.json()["serialNumbers"] == [str(card.number)]
    assert int(changed.json()["lastUpdated"]) > int(tag)

    fetched = await api.get(f"/passkit/v1/passes/{PASS_TYPE_ID}/{card.number}", headers=auth(secret, card))
    assert fetched.status_code == 200
    stamps = pass_json(fetched.content)["storeCard"]["headerFields"][0]
    assert stamps["value"] == "1 / 8"
    last_modified = fetched.headers["last-modified"]
    again = await api.get(
        f"/passkit/v1/passes/{PASS_TYPE_ID}/{card.number}",
        headers={**auth(secret, card), "If-Modified-Since": last_modified},
    )
    assert again.status_code == 304

    delivery = await WalletDelivery.get(card_id=card.id, platform="apple")
    assert delivery.status == "accepted" and delivery.accepted_at is not None
    assert delivery.fetched_at is not None and delivery.fetched_at >= delivery.accepted_at


async def test_registering_twice_answers_200_and_marks_the_card_apple_once(api, live, wallet, shop, secret):
    card = await new_card(shop)
    device = uuid.uuid4().hex
    async with CapturedEvents() as captured:
        first = await api.post(registration_url(device, card), json={"pushToken": "a" * 64}, headers=auth(secret, card))
        second = await api.post(
            registration_url(device, card), json={"pushToken": "b" * 64}, headers=auth(secret, card)
        )
    assert (first.status_code, second.status_code) == (201, 200)
    assert (await Card.get(id=card.id)).platforms == ["web", "apple"]
    assert [e["card_id"] for e in captured.of_type("card.updated")] == [card.id]
    assert (await WalletDevice.get(library_id=device)).push_token == "b" * 64


async def test_the_last_device_leaving_removes_the_apple_mark(api, live, wallet, shop, secret):
    card = await new_card(shop)
    phone, watch = uuid.uuid4().hex, uuid.uuid4().hex
    for device in (phone, watch):
        await api.post(registration_url(device, card), json={"pushToken": device}, headers=auth(secret, card))
    assert (await api.delete(registration_url(phone, card), headers=auth(secret, card))).status_code == 200
    assert "apple" in (await Card.get(id=card.id)).platforms
    async with CapturedEvents() as captured:
        assert (await api.delete(registration_url(watch, card), headers=auth(secret, card))).status_code == 200
    assert "apple" not in (await Card.get(id=card.id)).platforms
    assert captured.of_type("card.updated")
    assert not await WalletRegistration.filter(card_id=card.id).exists()
    assert not await WalletDevice.filter(library_id__in=[phone, watch]).exists()


async def test_a_wrong_token_is_refused_everywhere(api, wallet, shop, secret):
    other = await new_card(shop)
    wrong = auth(secret, other)
    card = shop.card
    assert (await api.post(registration_url("dev1", card), json={"pushToken": "x"}, headers=wrong)).status_code == 401
    assert (await api.post(registration_url("dev1", card), json={"pushToken": "x"})).status_code == 401
    assert (await api.delete(registration_url("dev1", card), headers=wrong)).status_code == 401
    passes_url = f"/passkit/v1/passes/{PASS_TYPE_ID}/{card.number}"
    assert (await api.get(passes_url, headers=wrong)).status_code == 401
    assert (await api.get(passes_url, headers={"Authorization": "Bearer x"})).status_code == 401
    wrong_type = f"/passkit/v1/passes/pass.other.type/{card.number}"
    assert (await api.get(wrong_type, headers=auth(secret, card))).status_code == 401


async def test_a_registration_without_a_push_token_is_a_bad_request(api, wallet, shop, secret):
    response = await api.post(registration_url("dev2", shop.card), json={}, headers=auth(secret, shop.card))
    assert response.status_code == 400


async def test_an_unknown_device_has_no_updates(api, wallet):
    response = await api.get(f"/passkit/v1/devices/{uuid.uuid4().hex}/registrations/{PASS_TYPE_ID}")
    assert response.status_code == 204


async def test_device_logs_are_accepted(api, wallet, caplog):
    response = await api.post("/passkit/v1/log", json={"logs": ["Web service error for pass.test: 500"]})
    assert response.status_code == 200
    assert "Web service error" in caplog.text


async def test_a_deleted_card_serves_a_voided_pass(api, wallet, shop, secret):
    from hub.domain.cards import delete_card

    card = await new_card(shop)
    await delete_card(shop.business_id, card.id)
    fetched = await api.get(f"/passkit/v1/passes/{PASS_TYPE_ID}/{card.number}", headers=auth(secret, card))
    assert fetched.status_code == 200
    assert pass_json(fetched.content)["voided"] is True


async def test_an_older_or_unreadable_if_modified_since_gets_the_pass(api, wallet, shop, secret):
    url = f"/passkit/v1/passes/{PASS_TYPE_ID}/{shop.card.number}"
    for since in ("Mon, 01 Jan 2024 00:00:00 GMT", "Mon, 01 Jan 2024 00:00:00 -0000", "yesterday"):
        response = await api.get(url, headers={**auth(secret, shop.card), "If-Modified-Since": since})
        assert response.status_code == 200, since
        assert response.headers["content-type"] == "application/vnd.apple.pkpass"
