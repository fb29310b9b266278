"""A till's scan is answered ahead of the middleware stack (hub.api.scan_lane): whatever it
sends, the answer is the one the documented route gives."""

import uuid

import httpx
import pytest

from hub.api.app import create_api_app
from hub.domain import codes
from hub.models import Card
from tests.api_steps import auth


@pytest.fixture
async def route(live):
    """The FastAPI route alone, without the lane in front."""
    transport = httpx.ASGITransport(app=create_api_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


def _requests(shop, secret):
    card = codes.card_code(secret, shop.card.number)
    forged = codes.card_code(b"other", shop.card.number)
    json_type = {"content-type": "application/json"}
    form_type = {"content-type": "application/x-www-form-urlencoded"}
    return {
        "no key": dict(json={"code": card, "idempotency_key": "a"}),
        "unknown key": dict(json={"code": card, "idempotency_key": "a"}, headers={"Authorization": "Bearer sh_x_y"}),
        "missing field": dict(json={"code": card}, headers=auth(shop)),
        "empty code": dict(json={"code": "", "idempotency_key": "k"}, headers=auth(shop)),
        "not json": dict(content=b"code=1", headers={**auth(shop), **form_type}),
        "malformed code": dict(json={"code": "C.1.X", "idempotency_key": "k"}, headers=auth(shop)),
        "forged": dict(json={"code": forged, "idempotency_key": "k"}, headers=auth(shop)),
        "too large": dict(content=b"{" + b" " * 70_000 + b"}", headers={**auth(shop), **json_type}),
        "control character": dict(
            url="/api/v1/scans?x=%00", json={"code": card, "idempotency_key": "k"}, headers=auth(shop)
        ),
    }


def _essence(response: httpx.Response) -> tuple:
    body = response.json()
    fields = sorted(f["field"] for f in body.get("fields", []))
    return response.status_code, body.get("error"), body.get("outcome"), fields


async def test_refusals_through_the_lane_match_the_route(api, route, shop, secret):
    for name, request in _requests(shop, secret).items():
        url = request.pop("url", "/api/v1/scans")
        lane, plain = await api.post(url, **request), await route.post(url, **request)
        assert _essence(lane) == _essence(plain), name
        assert lane.headers["content-type"] == "application/json", name
    assert (await Card.get(id=shop.card.id)).stamps == 0  # no refusal stamped


async def test_a_stamp_its_replay_and_a_reward_answer_alike_both_ways(api, route, shop, secret):
    card = codes.card_code(secret, shop.card.number)
    answers = []
    for client in (api, route, api, route, api, route, api, route):
        key = str(uuid.uuid4())
        first = await client.post("/api/v1/scans", json={"code": card, "idempotency_key": key}, headers=auth(shop))
        again = await client.post("/api/v1/scans", json={"code": card, "idempotency_key": key}, headers=auth(shop))
        answers.append((first.status_code, first.json(), again.status_code, again.json()["error"]))
    assert [a[1]["card"]["stamps"] for a in answers] == [1, 2, 3, 4, 5, 6, 7, 0]
    assert [a[1]["outcome"] for a in answers] == ["stamped"] * 7 + ["reward"]
    assert {(a[0], a[2], a[3]) for a in answers} == {(200, 409, "idempotency_replayed")}
    voucher = (await api.get(f"/api/v1/cards/{shop.card.number}", headers=auth(shop))).json()["vouchers"][0]
    redeemed = await api.post(
        "/api/v1/scans", json={"code": voucher["code"], "idempotency_key": "r"}, headers=auth(shop)
    )
    replayed = await route.post(
        "/api/v1/scans", json={"code": voucher["code"], "idempotency_key": "r2"}, headers=auth(shop)
    )
    assert redeemed.json()["outcome"] == "redeemed" and replayed.json()["reason"] == "already_redeemed"
    # Dates in a redemption's answer are JSON strings either way.
    assert isinstance(replayed.json()["detail"]["redeemed_at"], str)
    assert isinstance(redeemed.json()["voucher"]["redeemed_at"], str)
