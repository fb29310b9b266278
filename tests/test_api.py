import asyncio
import weakref

import pytest

from hub import admission
from hub.domain import codes
from hub.models import Card, CardEvent, Voucher
from tests.api_steps import auth, post_scan


async def test_issue_and_read_a_card(api, shop):
    created = await api.post(
        "/api/v1/cards",
        json={"template_id": shop.template.id, "name": "Ana", "email": "ana@example.com"},
        headers=auth(shop),
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert set(body) >= {"number", "token", "code", "page_url", "stamps", "stamps_required", "vouchers"}
    assert body["stamps"] == 0 and body["stamps_required"] == 8
    assert body["page_url"].endswith(f"/c/{body['token']}")
    read = await api.get(f"/api/v1/cards/{body['number']}", headers=auth(shop))
    assert read.status_code == 200 and read.json()["token"] == body["token"]


async def test_scans_stamp_reward_and_the_voucher_code_redeems_once(api, shop, secret):
    card_code = codes.card_code(secret, shop.card.number)
    outcomes = [(await post_scan(api, shop, card_code)).json() for _ in range(8)]
    assert [o["outcome"] for o in outcomes] == ["stamped"] * 7 + ["reward"]
    assert outcomes[6]["card"] == {"number": shop.card.number, "stamps": 7, "stamps_required": 8}
    card = (await api.get(f"/api/v1/cards/{shop.card.number}", headers=auth(shop))).json()
    voucher = card["vouchers"][0]
    assert voucher["state"] == "active"
    redeemed = (await post_scan(api, shop, voucher["code"])).json()
    assert redeemed["outcome"] == "redeemed" and redeemed["voucher"]["state"] == "redeemed"
    replay = (await post_scan(api, shop, voucher["code"])).json()
    assert replay["outcome"] == "rejected" and replay["reason"] == "already_redeemed"
    assert replay["detail"]["redeemed_via"] == "api"


@pytest.mark.parametrize(
    ("code", "status", "error"),
    [("not a code", 422, "malformed_code"), ("C.123456.AAAAAAAAAAAAAAAA", 422, "invalid_signature")],
)
async def test_bad_codes_are_refused_and_change_nothing(api, shop, code, status, error):
    response = await post_scan(api, shop, code)
    assert response.status_code == status and response.json()["error"] == error
    assert (await Card.get(id=shop.card.id)).stamps == 0


async def test_a_forged_signature_on_a_real_card_number_is_refused(api, shop, secret):
    forged = codes.card_code(b"not our secret", shop.card.number)
    response = await post_scan(api, shop, forged)
    assert response.status_code == 422 and response.json()["error"] == "invalid_signature"
    assert (await Card.get(id=shop.card.id)).stamps == 0


async def test_another_business_key_cannot_stamp_or_read_the_card(api, shop, other_shop, secret):
    response = await post_scan(api, other_shop, codes.card_code(secret, shop.card.number))
    assert response.status_code == 403 and response.json()["error"] == "other_business"
    read = await api.get(f"/api/v1/cards/{shop.card.number}", headers=auth(other_shop))
    assert read.status_code == 404
    assert (await Card.get(id=shop.card.id)).stamps == 0


async def test_a_replayed_idempotency_key_is_a_conflict_and_changes_nothing(api, shop, secret):
    code = codes.card_code(secret, shop.card.number)
    assert (await post_scan(api, shop, code, key="pos-1:order-9")).status_code == 200
    replay = await post_scan(api, shop, code, key="pos-1:order-9")
    assert replay.status_code == 409 and replay.json()["error"] == "idempotency_replayed"
    assert (await Card.get(id=shop.card.id)).stamps == 1
    assert await CardEvent.filter(card_id=shop.card.id, kind="stamp").count() == 1


async def test_a_saturated_server_answers_busy_at_once_and_the_retry_counts_once(api, shop, secret, monkeypatch):
    monkeypatch.setattr(admission, "IN_PROGRESS", 1)
    monkeypatch.setattr(admission, "WAIT_SECONDS", 0.2)
    monkeypatch.setattr(admission, "_gates", weakref.WeakKeyDictionary())
    code = codes.card_code(secret, shop.card.number)
    held, release = asyncio.Event(), asyncio.Event()

    async def a_slow_scan_elsewhere() -> None:
        async with admission.slot():
            held.set()
            await release.wait()

    elsewhere = asyncio.create_task(a_slow_scan_elsewhere())
    await held.wait()
    busy = await post_scan(api, shop, code, key="till-3:order-77")
    assert busy.status_code == 503 and busy.json()["error"] == "busy"
    assert busy.headers["Retry-After"] == "1"
    assert (await Card.get(id=shop.card.id)).stamps == 0
    release.set()
    await elsewhere
    retried = await post_scan(api, shop, code, key="till-3:order-77")
    assert retried.status_code == 200 and retried.json()["card"]["stamps"] == 1


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer sh_nope_nope"}, {"Authorization": "Basic abc"}])
async def test_requests_without_a_valid_key_are_unauthorized(api, shop, secret, headers):
    response = await api.post(
        "/api/v1/scans",
        json={"code": codes.card_code(secret, shop.card.number), "idempotency_key": "x"},
        headers=headers,
    )
    assert response.status_code == 401 and response.json()["error"] == "unauthorized"


@pytest.mark.parametrize(
    "body",
    [{}, {"code": 5}, {"code": "C.1.A"}, {"code": "x" * 5000, "idempotency_key": "k"}, {"idempotency_key": "k"}],
)
async def test_malformed_bodies_get_a_4xx_never_a_500(api, shop, body):
    response = await api.post("/api/v1/scans", json=body, headers=auth(shop))
    assert 400 <= response.status_code < 500
    assert "error" in response.json()


async def test_redeem_codes_catch_typos_and_replays(api, shop):
    from hub.domain.vouchers import issue_manual_voucher

    voucher = await issue_manual_voucher(shop.business_id, shop.card.id, title="Cake", expires_at=None)
    pretty = codes.format_redeem_code(voucher.redeem_code)
    typo = pretty[:-1] + ("0" if pretty[-1] != "0" else "1")
    bad = await api.post("/api/v1/redemptions", json={"redeem_code": typo}, headers=auth(shop))
    assert bad.status_code == 422 and bad.json()["error"] == "invalid_input"
    ok = await api.post("/api/v1/redemptions", json={"redeem_code": pretty}, headers=auth(shop))
    assert ok.json()["outcome"] == "redeemed"
    again = await api.post("/api/v1/redemptions", json={"redeem_code": pretty}, headers=auth(shop))
    assert again.json()["outcome"] == "rejected" and again.json()["reason"] == "already_redeemed"
    assert (await Voucher.get(id=voucher.id)).redeemed_via == "pos"


async def test_the_openapi_document_and_health_are_served(api):
    spec = (await api.get("/api/openapi.json")).json()
    assert {"/api/v1/scans", "/api/v1/cards", "/api/v1/cards/{number}"} <= set(spec["paths"])
    health = await api.get("/healthz")
    assert health.status_code == 200 and health.json() == {"status": "ok", "database": "ok", "redis": "ok"}


async def test_a_mistyped_endpoint_or_method_gets_a_json_error_not_a_web_page(api, shop):
    missing = await api.post("/api/v1/scan", json={"code": "x"}, headers=auth(shop))
    assert missing.status_code == 404
    assert missing.json()["error"] == "not_found" and "/api/v1/scan" in missing.json()["message"]
    wrong_method = await api.get("/api/v1/scans", headers=auth(shop))
    assert wrong_method.status_code == 405 and wrong_method.json()["error"] == "method_not_allowed"
    assert (await api.get("/api/docs")).status_code == 200
