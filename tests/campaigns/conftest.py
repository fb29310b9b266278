"""Campaign tests talk to a real SMTP server (aiosmtpd) and a local messenger gateway."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from hub.domain import campaigns
from hub.domain.cards import issue_card
from hub.models import Business, Card
from tests.campaigns.servers import Gateway, SmtpSink
from tests.factories import Shop, make_shop
from tests.servers import ROOT, server_env


@pytest.fixture(autouse=True)
async def automations_off():
    """Automations switched on by a test would keep firing (on today's real birthdays, too)
    for every later worker of the run: switch them off after each test."""
    yield
    from hub.domain.automations import DEFAULTS
    from hub.models import Campaign

    await Campaign.filter(kind__in=list(DEFAULTS), status="active").update(status="paused")


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpSink]:
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def smtp(smtp_server: SmtpSink, configure) -> SmtpSink:
    smtp_server.reset()
    configure(SMTP_URL=smtp_server.url, SMTP_FROM="Stamphub <campaigns@stamphub.test>")
    return smtp_server


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    server = Gateway().start()
    yield server
    server.stop()


@dataclass
class Audience:
    shop: Shop
    cards: list[Card]
    emails: list[str]
    phones: list[str]


async def make_audience(
    count: int, *, gateway: Gateway | None = None, platform: str = "apple", timezone: str = "UTC"
) -> Audience:
    """A shop whose `count` customers consented, have an email, a wallet pass and (with a
    gateway) a WhatsApp contact."""
    shop = await make_shop(name="Campaign Café", design={"background": "#123456", "accent": "#ffcc00"})
    await Business.filter(id=shop.business_id).update(timezone=timezone)
    if gateway is not None:
        await campaigns.connect_messenger(shop.business_id, gateway.url, gateway.token)
    tag = uuid.uuid4().hex[:6]
    cards, emails, phones = [], [], []
    for i in range(count):
        address = f"guest{i}-{tag}@example.com"
        card = await issue_card(
            shop.business_id, shop.template.id, f"Guest {i}", email=address, marketing_consent=True, platform=platform
        )
        phone = f"+8210{tag}{i:04d}"
        if gateway is not None:
            await campaigns.link_messenger_contact(shop.business_id, card.id, "whatsapp", phone)
        cards.append(card)
        emails.append(address)
        phones.append(phone)
    return Audience(shop, cards, emails, phones)


async def send(campaign_id: int) -> campaigns.SendSummary:
    """Run the sender over a campaign once, as a worker would, at the clock's time."""
    transports = campaigns.Transports.configured()
    try:
        return await campaigns.send_range(campaign_id, transports=transports)
    finally:
        await transports.close()


def worker(env: dict[str, str], *, burst: bool = False, log_name: str = "worker") -> subprocess.Popen:
    os.makedirs(env["STAMPHUB_DATA"], exist_ok=True)
    log = open(os.path.join(env["STAMPHUB_DATA"], f"{log_name}-{uuid.uuid4().hex[:6]}.log"), "w")
    args = [sys.executable, "-m", "hub.cli", "worker", *(["--burst"] if burst else [])]
    # Its own process group, so stopping it also stops the scheduler process RQ forks.
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    process.log_path = log.name  # type: ignore[attr-defined]
    return process


def stop_worker(process: subprocess.Popen, timeout: float = 20) -> None:
    """Stop a worker and everything it started; never leave one running after a test."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=timeout)
            os.killpg(process.pid, signal.SIGKILL)
        except subprocess.TimeoutExpired:
            continue
        except ProcessLookupError:
            pass
        return


def run_burst_worker(timeout: float = 120, **overrides: str) -> str:
    env = server_env(**overrides)
    os.makedirs(env["STAMPHUB_DATA"], exist_ok=True)
    done = subprocess.run(
        [sys.executable, "-m", "hub.cli", "worker", "--burst"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def wait_until(predicate, timeout: float = 60.0, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False
