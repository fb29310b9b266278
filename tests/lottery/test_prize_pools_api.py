"""/api/v1/prize-pools: an integration sets up and runs a pool like the admin does."""

from __future__ import annotations

import uuid

from hub.domain import lottery
from tests.api_steps import auth
from tests.factories import make_shop


async def test_a_pool_is_created_with_prizes_edited_and_archived(api, shop):  # noqa: F811
    body = {
        "name": "Spring draw",
        "blank_weight": 2,
        "template_id": shop.template.id,
        "prizes": [
            {"title": "Free cake", "weight": 1, "stock": 3, "valid_days": 14},
            {"title": "Tote bag", "weight": 1},
        ],
    }
    key = str(uuid.uuid4())
    created = await api.post("/api/v1/prize-pools", json=body, headers=auth(shop, key))
    assert created.status_code == 201, created.text
    again = await api.post("/api/v1/prize-pools", json=body, headers=auth(shop, key))
    assert again.json() == created.json() and again.headers["Idempotent-Replayed"] == "true"
    pool = created.json()
    assert pool["version"] == 3 and pool["template_id"] == shop.template.id
    assert [(p["title"], p["stock"], p["odds"]) for p in pool["prizes"]] == [
        ("Free cake", 3, 0.25),
        ("Tote bag", None, 0.25),
    ]
    cake = pool["prizes"][0]["id"]

    patched = await api.patch(
        f"/api/v1/prize-pools/{pool['id']}/prizes/{cake}", json={"weight": 2, "stock": None}, headers=auth(shop)
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["version"] == 4 and patched.json()["prizes"][0]["stock"] is None

    # A lottery card draws from it, so it cannot be archived until another pool takes over.
    from hub.domain import templates

    await templates.publish(
        shop.business_id, shop.template.id, {**templates.snapshot(shop.template), "reward_type": "lottery"}
    )
    refused = await api.post(f"/api/v1/prize-pools/{pool['id']}/archive", headers=auth(shop, str(uuid.uuid4())))
    assert refused.status_code == 422 and "draws from this pool" in refused.json()["message"]
    await templates.publish(
        shop.business_id, shop.template.id, {**templates.snapshot(shop.template), "reward_type": "voucher"}
    )
    won = await lottery.grant_spin(shop.business_id, shop.card.id, pool["id"])
    archived = await api.post(f"/api/v1/prize-pools/{pool['id']}/archive", headers=auth(shop, str(uuid.uuid4())))
    assert archived.status_code == 200 and archived.json()["archived"] and archived.json()["draws"] == 1
    assert won.pool_version == 4
    listed = await api.get("/api/v1/prize-pools", headers=auth(shop))
    assert listed.json() == []
    assert [p["id"] for p in (await api.get("/api/v1/prize-pools?archived=true", headers=auth(shop))).json()] == [
        pool["id"]
    ]


async def test_bad_input_and_other_businesses_are_refused(api, shop):  # noqa: F811
    bad = await api.post(
        "/api/v1/prize-pools",
        json={"name": "X", "prizes": [{"title": "Cake", "weight": 0}]},
        headers=auth(shop, str(uuid.uuid4())),
    )
    assert bad.status_code == 422
    created = await api.post("/api/v1/prize-pools", json={"name": "Mine"}, headers=auth(shop, str(uuid.uuid4())))
    pool_id = created.json()["id"]
    other = await make_shop()
    assert (await api.get(f"/api/v1/prize-pools/{pool_id}", headers=auth(other))).status_code == 404
    foreign = await api.post(
        f"/api/v1/prize-pools/{pool_id}/prizes", json={"title": "Cake"}, headers=auth(other, str(uuid.uuid4()))
    )
    assert foreign.status_code == 404
    no_key = await api.post(f"/api/v1/prize-pools/{pool_id}/prizes", json={"title": "Cake"}, headers=auth(shop))
    assert no_key.status_code == 422
    schema = (await api.get("/api/openapi.json")).json()
    assert "/api/v1/prize-pools/{pool_id}/prizes/{prize_id}" in schema["paths"]
