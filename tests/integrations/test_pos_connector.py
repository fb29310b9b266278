"""The example POS connector against a real server process."""

import asyncio
import importlib.util
import sys

import pytest

from hub.domain import codes
from hub.models import Card
from tests.servers import ROOT, running_server


def connector():
    spec = importlib.util.spec_from_file_location("pos_connector", ROOT / "examples" / "pos_connector.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["pos_connector"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
async def test_a_closed_order_stamps_its_card_once_however_often_it_is_sent(database, shop, secret):
    pos = connector()
    order = pos.ClosedOrder("order-1042", codes.card_code(secret, shop.card.number), 12.5)
    with running_server() as server:
        first = await asyncio.to_thread(pos.on_order_closed, order, base_url=server.url, api_key=shop.api_key)
        again = await asyncio.to_thread(pos.on_order_closed, order, base_url=server.url, api_key=shop.api_key)
        other = pos.ClosedOrder("order-1043", order.card_code, 4.0)
        second = await asyncio.to_thread(pos.on_order_closed, other, base_url=server.url, api_key=shop.api_key)
        none = pos.on_order_closed(pos.ClosedOrder("order-1044", None, 3.0), base_url=server.url, api_key="x")
    assert first["outcome"] == "stamped" and first["card"]["stamps"] == 1
    assert again["outcome"] == "already_stamped"
    assert second["outcome"] == "stamped" and second["card"]["stamps"] == 2
    assert none["outcome"] == "skipped"
    assert (await Card.get(id=shop.card.id)).stamps == 2
