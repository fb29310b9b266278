"""Two processes writing one SQLite file (the embedded mode's web process and its worker): a
transaction that reads and then writes waits for the other instead of failing."""

from __future__ import annotations

import asyncio

from hub.db import tortoise_config
from hub.sqlite_client import client_class


async def read_then_write(client, pause: float) -> None:
    async with client._in_transaction() as tx:
        count = (await tx.execute_query_dict("SELECT n FROM visits"))[0]["n"]
        await asyncio.sleep(pause)  # the other process writes meanwhile, or waits
        await tx.execute_query("UPDATE visits SET n = ?", [count + 1])


async def test_two_connections_that_read_then_write_take_turns(tmp_path):
    connection = tortoise_config(f"sqlite://{tmp_path}/shared.sqlite3")["connections"]["default"]
    engine = __import__(connection["engine"], fromlist=["client_class"])
    assert engine.client_class is client_class  # what the product connects with
    web, worker = (client_class(connection_name=name, **connection["credentials"]) for name in ("web", "worker"))
    for client in (web, worker):
        await client.create_connection(with_db=True)
    try:
        await web.execute_script("CREATE TABLE visits (n INTEGER); INSERT INTO visits VALUES (0);")
        first = asyncio.create_task(read_then_write(web, pause=0.3))
        await asyncio.sleep(0.05)
        await asyncio.wait_for(asyncio.gather(first, read_then_write(worker, pause=0)), 10)
        assert (await web.execute_query_dict("SELECT n FROM visits"))[0]["n"] == 2
    finally:
        for client in (web, worker):
            await client.close()
