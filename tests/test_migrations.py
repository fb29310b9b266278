"""`stamphub migrate` brings a database made by an earlier release up to date, on the run's
database engine (SQLite or PostgreSQL), keeping its rows."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import uuid

import asyncpg

from tests.conftest import ADMIN_DATABASE_URL, DATABASE_URL, TMP
from tests.servers import ROOT, server_env

BEFORE_VISITS = "8_"  # the last migration before the business's visit window

# Builds the schema of an earlier release from a copy of its migrations, in a process of its
# own: aerich initialises the ORM globally, which must not touch this test process's connections.
_OLD_RELEASE = """
import asyncio, sys
from aerich import Command
from tortoise import Tortoise
from hub.db import tortoise_config

async def main(url, location):
    command = Command(tortoise_config(url), app="models", location=location)
    await command.init()
    await command.init_db(safe=True)
    conn = Tortoise.get_connection("default")
    await conn.execute_script(
        "INSERT INTO business (name, timezone, plan, ops_month, ops_count, created_at) "
        "VALUES ('Old Café', 'UTC', 'free', '', 0, CURRENT_TIMESTAMP)"
    )
    await command.aclose()

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""

_READ = """
import asyncio, json, sys
from tortoise import Tortoise
from hub.db import tortoise_config

async def main(url):
    await Tortoise.init(config=tortoise_config(url))
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT name, visit_window_seconds FROM business"
    )
    print(json.dumps(rows))
    await Tortoise.close_connections()

asyncio.run(main(sys.argv[1]))
"""


def _run(*args: str, url: str) -> str:
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=server_env(DATABASE_URL=url), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


async def _fresh_database() -> str:
    if ADMIN_DATABASE_URL is None:
        return f"sqlite://{TMP}/old-release-{uuid.uuid4().hex[:8]}.sqlite3"
    name = f"{DATABASE_URL.rsplit('/', 1)[1]}_old_{uuid.uuid4().hex[:6]}"
    conn = await asyncpg.connect(ADMIN_DATABASE_URL.replace("postgres://", "postgresql://"))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return ADMIN_DATABASE_URL.rsplit("/", 1)[0] + f"/{name}"


async def _drop(url: str) -> None:
    if ADMIN_DATABASE_URL is None:
        return
    conn = await asyncpg.connect(ADMIN_DATABASE_URL.replace("postgres://", "postgresql://"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
    finally:
        await conn.close()


async def test_migrate_gives_existing_businesses_the_two_minute_visit_window():
    old = TMP / f"old-migrations-{uuid.uuid4().hex[:8]}"
    (old / "models").mkdir(parents=True)
    for path in sorted((ROOT / "migrations" / "models").glob("*.py")):
        if int(path.name.split("_", 1)[0]) <= int(BEFORE_VISITS.rstrip("_")):
            shutil.copy(path, old / "models" / path.name)
    url = await _fresh_database()
    try:
        _run("-c", _OLD_RELEASE, url, str(old), url=url)
        applied = json.loads(_run("-m", "hub.cli", "migrate", url=url))["applied"]
        assert any("visit_window" in name for name in applied)
        assert json.loads(_run("-c", _READ, url, url=url)) == [{"name": "Old Café", "visit_window_seconds": 120}]
        assert json.loads(_run("-m", "hub.cli", "migrate", url=url))["applied"] == []
    finally:
        await _drop(url)


_READ_LANGUAGE = _READ.replace("SELECT name, visit_window_seconds FROM business", "SELECT name, language FROM business")


async def test_migrate_gives_existing_businesses_english_as_their_cards_language():
    old = TMP / f"old-migrations-{uuid.uuid4().hex[:8]}"
    (old / "models").mkdir(parents=True)
    for path in sorted((ROOT / "migrations" / "models").glob("*.py")):
        if int(path.name.split("_", 1)[0]) < 15:
            shutil.copy(path, old / "models" / path.name)
    url = await _fresh_database()
    try:
        _run("-c", _OLD_RELEASE, url, str(old), url=url)
        applied = json.loads(_run("-m", "hub.cli", "migrate", url=url))["applied"]
        assert any("card_language" in name for name in applied)
        assert json.loads(_run("-c", _READ_LANGUAGE, url, url=url)) == [{"name": "Old Café", "language": "en"}]
    finally:
        await _drop(url)
