"""API keys: verified keys are remembered briefly, and a revocation reaches every process."""

import asyncio

import pytest

from hub.clock import utcnow
from hub.domain.access import record_ended
from hub.domain.api_keys import authenticate_api_key, revoke_api_key
from hub.errors import Unauthorized
from hub.models import ApiKey
from hub.realtime import outbox


async def test_a_revoked_key_stops_at_once_in_the_revoking_process(shop):
    key = await authenticate_api_key(shop.api_key)
    await revoke_api_key(shop.business_id, key.id)
    with pytest.raises(Unauthorized):
        await authenticate_api_key(shop.api_key)


async def test_a_key_revoked_by_another_process_stops_here_when_its_event_arrives(shop, live):
    key = await authenticate_api_key(shop.api_key)
    # What another process's revoke_api_key commits: the row and the event, nothing in our memory.
    async with outbox.transaction() as conn:
        await ApiKey.filter(id=key.id).using_db(conn).update(revoked_at=utcnow())
        await record_ended(conn, shop.business_id, "api_key", key.id)
    for _ in range(40):  # well inside the few seconds a verified key is remembered
        try:
            await authenticate_api_key(shop.api_key)
        except Unauthorized:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the revoked key still works in this process")


async def test_a_wrong_secret_with_a_known_prefix_is_refused_even_after_the_right_one(shop):
    await authenticate_api_key(shop.api_key)
    forged = shop.api_key[:-4] + ("AAAA" if not shop.api_key.endswith("AAAA") else "BBBB")
    with pytest.raises(Unauthorized):
        await authenticate_api_key(forged)
