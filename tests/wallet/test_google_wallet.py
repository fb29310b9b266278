import urllib.parse
import uuid
from datetime import timedelta

import jwt
import pytest

from hub.clock import utcnow
from hub.domain import codes
from hub.domain.stamps import adjust_stamps
from hub.models import Card, GoogleWalletObject
from hub.wallet import google, sync
from hub.wallet.config import wallet_config
from hub.workers.queue import job_queue
from tests.conftest import REDIS_URL, eventually
from tests.factories import new_card
from tests.wallet.conftest import CLIENT_EMAIL, ISSUER_ID, jobs_for
from tests.wallet.services import verified
from tests.workers import run_burst_worker


async def save(api, card: Card) -> dict:
    response = await api.get(f"/wallet/google/{card.token}", follow_redirects=False)
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith("https://pay.google.com/gp/v/save/")
    return {"url": location, "jwt": location.rsplit("/", 1)[1]}


async def test_the_save_link_jwt_verifies_and_names_the_class_and_object(api, wallet, shop):
    card = await new_card(shop)
    link = await save(api, card)
    header, claims = verified(link["jwt"], wallet.google_public_key)
    assert header["alg"] == "RS256" and header["kid"] == "test-key-1"
    assert claims["iss"] == CLIENT_EMAIL and claims["aud"] == "google" and claims["typ"] == "savetowallet"
    assert claims["origins"] == ["http://testserver"]
    [ref] = claims["payload"]["loyaltyObjects"]
    assert ref == {
        "id": f"{ISSUER_ID}.stamphub-c{card.id}-{card.number}",
        "classId": f"{ISSUER_ID}.stamphub-t{shop.template.id}-v1",
    }
    created = wallet.google.objects[ref["id"]]
    assert created["loyaltyPoints"]["balance"] == {"int": 0}
    assert created["barcode"]["type"] == "QR_CODE"
    assert ref["classId"] in wallet.google.classes
    assert not wallet.google.rejected


async def test_the_jwt_does_not_verify_with_another_key(api, wallet, shop):
    from cryptography.hazmat.primitives.asymmetric import rsa

    link = await save(api, await new_card(shop))
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    with pytest.raises(jwt.InvalidTokenError):
        verified(link["jwt"], stranger)


async def test_a_stamp_patches_the_object_with_the_new_balance(api, live, wallet, shop, secret):
    card = await new_card(shop)
    await save(api, card)
    object_id = google.object_id(wallet_config().google, card.id, card.number)
    stamped = await api.post(
        "/api/v1/scans",
        json={"code": codes.card_code(secret, card.number), "idempotency_key": uuid.uuid4().hex},
        headers={"Authorization": f"Bearer {shop.api_key}"},
    )
    assert stamped.status_code == 200
    queue = job_queue(REDIS_URL)
    await eventually(lambda: jobs_for(queue, card.id))
    await run_burst_worker()
    patch = wallet.google.patches(object_id)[-1]
    assert patch["loyaltyPoints"]["balance"] == {"int": 1}
    assert patch["barcode"]["value"] == codes.card_code(secret, card.number)
    assert patch["classId"] == f"{ISSUER_ID}.stamphub-t{shop.template.id}-v1"
    assert not wallet.google.rejected
    obj = await GoogleWalletObject.get(card_id=card.id)
    assert obj.status == "synced" and obj.synced_version >= 2


async def test_an_object_someone_saved_marks_the_card_google(api, wallet, shop):
    card = await new_card(shop)
    await save(api, card)
    object_id = google.object_id(wallet_config().google, card.id, card.number)
    wallet.google.objects[object_id]["hasUsers"] = True
    await adjust_stamps(shop.business_id, card.id, 1)
    report = await sync.sync_card(card.id)
    assert report.google == "accepted"
    assert "google" in (await Card.get(id=card.id)).platforms


async def test_a_revoked_access_token_is_replaced_and_the_call_retried(api, wallet, shop):
    card = await new_card(shop)
    await save(api, card)
    await adjust_stamps(shop.business_id, card.id, 1)
    assert (await sync.sync_card(card.id)).google == "accepted"  # the push client holds a token now
    wallet.google.tokens.clear()
    await adjust_stamps(shop.business_id, card.id, 2)
    report = await sync.sync_card(card.id)
    assert report.google == "accepted"
    assert [r for r in wallet.google.rejected if r[2].startswith("Request is missing")]


async def test_a_save_click_after_the_token_was_revoked_still_creates_the_object(api, wallet, shop):
    # The save link's client tries once (a customer is waiting); a token it held from an
    # earlier click is replaced at once instead of counting as that one try.
    first = await new_card(shop)
    await save(api, first)
    assert google.object_id(wallet_config().google, first.id, first.number) in wallet.google.objects
    wallet.google.tokens.clear()
    second = await new_card(shop)
    await save(api, second)
    assert google.object_id(wallet_config().google, second.id, second.number) in wallet.google.objects


async def test_server_errors_are_retried(api, wallet, shop):
    card = await new_card(shop)
    await save(api, card)
    wallet.google.fail_next.extend([503, 500])
    await adjust_stamps(shop.business_id, card.id, 1)
    report = await sync.sync_card(card.id)
    assert report.google == "accepted" and not report.transient


async def test_a_save_link_still_works_when_the_api_is_down(api, wallet, shop):
    card = await new_card(shop)
    wallet.google.fail_next.extend([503] * 10)
    link = await save(api, card)
    _, claims = verified(link["jwt"], wallet.google_public_key)
    [obj] = claims["payload"]["loyaltyObjects"]
    [cls] = claims["payload"]["loyaltyClasses"]
    assert obj["classId"] == cls["id"] and obj["loyaltyPoints"]["balance"] == {"int": 0}
    assert (await GoogleWalletObject.get(card_id=card.id)).status == "pending"
    wallet.google.fail_next.clear()
    await adjust_stamps(shop.business_id, card.id, 1)
    report = await sync.sync_card(card.id)
    assert report.google == "accepted"
    assert wallet.google.objects[obj["id"]]["loyaltyPoints"]["balance"] == {"int": 1}


async def test_campaign_messages_notify_three_times_a_day_then_stay_silent(api, wallet, shop):
    card = await new_card(shop)
    await save(api, card)
    object_id = google.object_id(wallet_config().google, card.id, card.number)
    for i in range(4):
        await sync.send_message(card.id, "Happy hour", f"Two for one, round {i}", f"m-{card.id}-{i}")
    kinds = [m["messageType"] for m in wallet.google.messages[object_id]]
    assert kinds == ["TEXT_AND_NOTIFY"] * 3 + ["TEXT"]
    # A retried job re-sends the same message id: Google keeps one.
    await sync.send_message(card.id, "Happy hour", "Two for one, round 3", f"m-{card.id}-3")
    assert len(wallet.google.messages[object_id]) == 4
    obj = await GoogleWalletObject.get(card_id=card.id)
    await GoogleWalletObject.filter(id=obj.id).update(messages_day=(utcnow() - timedelta(days=1)).date())
    await sync.send_message(card.id, "Tomorrow", "Fresh allowance", f"m-{card.id}-5")
    assert wallet.google.messages[object_id][-1]["messageType"] == "TEXT_AND_NOTIFY"


async def test_a_campaign_notice_changes_the_apple_pass_with_a_change_message(api, wallet, shop, secret):
    from tests.wallet.conftest import pass_json

    card = await new_card(shop)
    await sync.send_message(card.id, "Happy hour", "Two for one today", "m-notice")
    data = pass_json((await api.get(f"/wallet/apple/{card.token}.pkpass")).content)
    notice = next(f for f in data["storeCard"]["backFields"] if f["key"] == "notice")
    assert notice["value"] == "Happy hour: Two for one today" and notice["changeMessage"] == "%@"


async def test_the_program_logo_is_served_for_the_class(api, wallet, shop):
    cls = google.loyalty_class(wallet_config().google, await _content(shop), public_url="http://testserver")
    path = urllib.parse.urlparse(cls["programLogo"]["sourceUri"]["uri"]).path
    response = await api.get(path)
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"


async def _content(shop):
    content, _ = await sync.current_pass(shop.card)
    return content


async def test_a_pass_removed_from_every_phone_drops_the_google_mark(api, wallet, shop):
    card = await new_card(shop)
    await save(api, card)
    object_id = google.object_id(wallet_config().google, card.id, card.number)
    wallet.google.objects[object_id]["hasUsers"] = True
    await adjust_stamps(shop.business_id, card.id, 1)
    await sync.sync_card(card.id)
    assert "google" in (await Card.get(id=card.id)).platforms
    wallet.google.objects[object_id]["hasUsers"] = False
    await adjust_stamps(shop.business_id, card.id, 1)
    await sync.sync_card(card.id)
    assert "google" not in (await Card.get(id=card.id)).platforms
