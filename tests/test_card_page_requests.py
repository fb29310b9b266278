"""The requests an open card page repeats, as the shipped server answers them: compressed, with
the page's security headers, in the page's language, and clear errors for a bad request."""

from __future__ import annotations

import re

import httpx

from hub.domain import cards
from tests.factories import make_shop
from tests.servers import Server


async def test_the_state_comes_compressed_in_the_pages_language_with_its_headers(web_server: Server):
    shop = await make_shop()
    async with httpx.AsyncClient(base_url=web_server.url, timeout=10) as http:
        state = await http.get(f"/c/{shop.card.token}/state", params={"shown": 0, "lang": "de"})
        assert state.status_code == 200, state.text
        assert state.headers["content-encoding"] == "gzip"
        assert state.headers["referrer-policy"] == "no-referrer"
        assert "frame-ancestors 'none'" in state.headers["content-security-policy"]
        body = state.json()
        assert body["stamps"] == 0 and body["deleted"] is False
        assert "Stempel" in body["html"]  # drawn in German, as the page asked

        same = await http.get(f"/c/{shop.card.token}/state", params={"shown": 0, "v": body["v"], "lang": "de"})
        assert same.json()["v"] == body["v"] and "html" not in same.json()

        code = await http.get(f"/c/{shop.card.token}/code")
        assert code.status_code == 200 and code.json()["qr"].startswith("data:image/svg+xml")


async def test_a_bad_request_gets_a_clear_answer_and_a_deleted_card_none(web_server: Server):
    shop = await make_shop()
    async with httpx.AsyncClient(base_url=web_server.url, timeout=10) as http:
        bad = await http.get(f"/c/{shop.card.token}/state", params={"shown": "lots"})
        assert bad.status_code == 422 and bad.json()["error"] == "invalid_input"
        unknown = await http.get("/c/no-such-card-token/state")
        assert unknown.status_code == 404 and unknown.json() == {"error": "not_found"}
        await cards.delete_card(shop.business_id, shop.card.id, actor="owner:test")
        assert (await http.get(f"/c/{shop.card.token}/code")).status_code == 404
        state = await http.get(f"/c/{shop.card.token}/state")
        assert state.json()["deleted"] is True


async def test_the_pages_script_is_cached_for_a_year(web_server: Server):
    shop = await make_shop()
    async with httpx.AsyncClient(base_url=web_server.url, timeout=10) as http:
        page = await http.get(f"/c/{shop.card.token}")
        script = re.search(r'src="(/pub/card\.[0-9a-f]+\.js)"', page.text)
        assert script, page.text[:500]
        asset = await http.get(script[1])
        assert asset.status_code == 200 and "immutable" in asset.headers["cache-control"]
        assert asset.headers["content-encoding"] == "gzip"
        assert (await http.get("/pub/card.000000000000.js")).status_code == 404
