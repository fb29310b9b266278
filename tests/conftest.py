"""Real services for every test run: a database of its own (SQLite or PostgreSQL, chosen by
TEST_DATABASE) and a Redis key/channel prefix of its own on REDIS_URL, or an embedded
redis-server when REDIS_URL is unset. Nothing shared is ever flushed or stopped."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
RUN = uuid.uuid4().hex[:8]
TMP = Path(tempfile.mkdtemp(prefix=f"stamphub-{WORKER}-"))
_choice = os.environ.get("TEST_DATABASE", "sqlite")
if _choice == "sqlite":
    DATABASE_URL = f"sqlite://{TMP}/test.sqlite3"
    ADMIN_DATABASE_URL = None
else:
    ADMIN_DATABASE_URL = _choice.replace("postgresql://", "postgres://")
    DATABASE_URL = ADMIN_DATABASE_URL.rsplit("/", 1)[0] + f"/stamphub_{RUN}_{WORKER}"

_embedded = None
if not os.environ.get("REDIS_URL"):
    from hub.embedded_redis import EmbeddedRedis

    _embedded = EmbeddedRedis(TMP / "redis")
    os.environ["REDIS_URL"] = _embedded.url

os.environ.update(
    DATABASE_URL=DATABASE_URL,
    STAMPHUB_DATA=str(TMP / "data"),
    SECRET_KEY=f"test-secret-{RUN}",
    REDIS_PREFIX=f"test:{RUN}:{WORKER}",
    PUBLIC_URL="http://testserver",
    # The suite's webhook receivers, messenger gateway and payment provider listen on 127.0.0.1;
    # tests/integrations/test_outbound_requests.py switches this off to check the egress guard.
    STAMPHUB_WEBHOOKS_PRIVATE="1",
)

import asyncio  # noqa: E402
import contextlib  # noqa: E402
import inspect  # noqa: E402
from datetime import datetime  # noqa: E402

import asyncpg  # noqa: E402
import httpx  # noqa: E402
import pytest  # noqa: E402

from hub import clock, db  # noqa: E402
from hub.api.app import create_api_app, served  # noqa: E402
from hub.config import settings  # noqa: E402
from hub.realtime.redis import async_redis  # noqa: E402
from tests.contexts import close_context  # noqa: E402
from tests.factories import Shop, make_shop  # noqa: E402
from tests.servers import Server, running_server  # noqa: E402

REDIS_URL = os.environ["REDIS_URL"]


async def _create_database() -> None:
    if ADMIN_DATABASE_URL:
        conn = await asyncpg.connect(ADMIN_DATABASE_URL.replace("postgres://", "postgresql://"))
        try:
            await conn.execute(f'CREATE DATABASE "{DATABASE_URL.rsplit("/", 1)[1]}"')
        finally:
            await conn.close()


async def _drop_database() -> None:
    if ADMIN_DATABASE_URL:
        conn = await asyncpg.connect(ADMIN_DATABASE_URL.replace("postgres://", "postgresql://"))
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE_URL.rsplit("/", 1)[1]}" WITH (FORCE)')
        finally:
            await conn.close()


@pytest.fixture(scope="session", autouse=True)
async def database():
    await _create_database()
    await db.migrate(DATABASE_URL)
    await db.connect(DATABASE_URL)
    yield DATABASE_URL
    await db.close()
    await _drop_database()
    if _embedded:
        _embedded.stop()


@pytest.fixture(scope="session")
async def live(database):
    """This process's runtime: outbox relay and event bus on the real Redis."""
    from hub.runtime import create_runtime

    rt = create_runtime(REDIS_URL)
    await rt.start(connect_db=False)
    await asyncio.wait_for(rt.bus.connected.wait(), 5)
    yield rt
    await rt.stop(close_db=False)


@pytest.fixture
async def redis():
    client = async_redis(REDIS_URL)
    yield client
    keys = [k async for k in client.scan_iter(match=f"{settings().redis_prefix}:*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


async def eventually(check, *, timeout: float = 10.0, interval: float = 0.05):
    """Wait until `check()` (sync or async) is true, as a person waits for a screen to update:
    returns its value, or fails after `timeout` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = check()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition never became true")
        await asyncio.sleep(interval)


@pytest.fixture
def configure():
    """Set (a value) or unset (None) environment variables for this test: the product's settings
    are read anew, and again once the test has put everything back."""
    saved: dict[str, str | None] = {}

    def apply(**values: str | None) -> None:
        for name, value in values.items():
            saved.setdefault(name, os.environ.get(name))
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        settings.cache_clear()

    yield apply
    apply(**saved)


@pytest.fixture
def offered(configure, tmp_path):
    """`offered("de", "ar")`: complete stand-in catalogues for those languages (tests/catalogues.py),
    so a test of how languages are chosen and shown does not wait for the translators."""
    from tests.catalogues import write_catalogue

    root = tmp_path / "locales"

    def make(*codes: str) -> None:
        for code in codes:
            write_catalogue(root, code)
        configure(LOCALES_DIR=str(root))

    return make


@pytest.fixture
def clock_at():
    """Set the product's one clock for this test: `clock = clock_at(when)`, then `clock.set()` or
    `clock.advance()`. Every row written and every check made in this process follows it."""
    with contextlib.ExitStack() as stack:

        def install(at: datetime, *, frozen: bool = False) -> clock.SetClock:
            return stack.enter_context(clock.use(clock.SetClock(at, frozen=frozen)))

        yield install


@pytest.fixture
def secret() -> bytes:
    return settings().secret_key


@pytest.fixture
async def shop() -> Shop:
    return await make_shop()


@pytest.fixture
async def other_shop() -> Shop:
    return await make_shop(name="Other Bakery")


CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def chromium_args() -> list[str]:
    from tests.camera import CAMERA_FILE

    return [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={CAMERA_FILE}",
        "--autoplay-policy=no-user-gesture-required",
    ]


@pytest.fixture(scope="session")
async def browser():
    """One headless Chromium for the whole session; tests keep apart in their own contexts.

    Its fake camera films tests/camera.py's video file, which camera tests rewrite."""
    from playwright.async_api import async_playwright

    from tests.camera import show_to_camera
    from tests.servers import real_clock_env

    show_to_camera(None)
    # The browser stands for the customer's own device: it keeps the machine's real clock when
    # the suite runs under libfaketime (its timers misbehave on a faked monotonic clock), while
    # every time the pages show comes from the server's clock.
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=CHROMIUM, env=real_clock_env(), headless=True, args=chromium_args()
        )
        yield chromium
        # Bounded like every context's close: the run's end must not wait on a stalled browser.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(chromium.close(), 30)


@pytest.fixture
async def api(live):
    """The REST API in this process, as a POS or integrator calls it."""
    transport = httpx.ASGITransport(app=served(create_api_app()))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture(scope="session")
def web_server(database) -> Iterator[Server]:
    """One `stamphub serve` per test process on the run's database, Redis and key prefix, for
    every test that needs the running product as it ships; a test that needs other settings
    starts its own."""
    with running_server() as server:
        yield server


@pytest.fixture
async def phone390(browser, web_server):
    """A 390 x 844 phone, the size most customers and owners hold, on the shared server."""
    from tests.chromium_steps import PHONE  # its steps import this module's settings

    ctx = await browser.new_context(
        base_url=web_server.url,
        viewport=PHONE,
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
        locale="en-GB",
    )
    ctx.set_default_timeout(20_000)  # a loaded CI machine is slow to answer
    yield ctx
    await close_context(ctx)
