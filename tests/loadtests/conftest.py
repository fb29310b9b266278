"""A live server on the run's database and Redis, and a paid shop whose API key drives it."""

from __future__ import annotations

import pytest

from tests.factories import Shop, make_shop
from tests.servers import Server


@pytest.fixture(scope="module")
def server(web_server) -> Server:
    yield web_server


@pytest.fixture(scope="module")
async def load_shop(database) -> Shop:
    return await make_shop(name="Load Test Café")
