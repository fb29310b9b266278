"""Wallet test harness: a local APNs (HTTP/2 over TLS) and a local Google Wallet API,
configured through the same environment variables production uses, plus real RQ
workers in subprocesses."""

from __future__ import annotations

import io
import json
import os
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from rq.job import Job

from hub.config import settings
from tests.wallet.services import FakeApns, FakeGoogleWallet, ThreadedServer, write_tls_material

TEAM_ID = "TEAMTEST01"
PASS_TYPE_ID = "pass.test.stamphub.card"
APNS_KEY_ID = "KEYID12345"
ISSUER_ID = "3388000000022222222"
CLIENT_EMAIL = "wallet@stamphub-test.iam.gserviceaccount.com"


@dataclass
class WalletServices:
    apns: FakeApns
    google: FakeGoogleWallet
    google_public_key: rsa.RSAPublicKey
    folder: Path


def _pem(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


@pytest.fixture(scope="package")
def wallet_services() -> Iterator[WalletServices]:
    folder = settings().data_dir / f"wallet-test-{uuid.uuid4().hex[:6]}"
    folder.mkdir(parents=True)
    ca, cert, key = write_tls_material(folder)
    apns_key = ec.generate_private_key(ec.SECP256R1())
    (folder / "AuthKey.p8").write_bytes(_pem(apns_key))
    google_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    google_port_holder = {}

    apns = FakeApns(TEAM_ID, APNS_KEY_ID, apns_key.public_key(), PASS_TYPE_ID)
    google = FakeGoogleWallet(CLIENT_EMAIL, google_key.public_key())
    apns_server = ThreadedServer(apns.app(), certfile=cert, keyfile=key).start()
    google_server = ThreadedServer(google.app()).start()
    google.token_url = f"http://127.0.0.1:{google_server.port}/token"
    google_port_holder["port"] = google_server.port
    account = {
        "type": "service_account",
        "client_email": CLIENT_EMAIL,
        "private_key_id": "test-key-1",
        "private_key": _pem(google_key).decode(),
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    (folder / "service-account.json").write_text(json.dumps(account))
    env = {
        "APPLE_PASS_TYPE_ID": PASS_TYPE_ID,
        "APPLE_TEAM_ID": TEAM_ID,
        "APNS_URL": f"https://127.0.0.1:{apns_server.port}",
        "APNS_KEY": str(folder / "AuthKey.p8"),
        "APNS_KEY_ID": APNS_KEY_ID,
        "APNS_CA_FILE": str(ca),
        "GOOGLE_WALLET_ISSUER_ID": ISSUER_ID,
        "GOOGLE_WALLET_SERVICE_ACCOUNT": str(folder / "service-account.json"),
        "GOOGLE_WALLET_URL": f"http://127.0.0.1:{google_server.port}/walletobjects/v1",
        "GOOGLE_TOKEN_URL": google.token_url,
        "WALLET_COALESCE_SECONDS": "0",
        "WALLET_BACKOFF_SECONDS": "0.05",
        "WALLET_PUSH_ATTEMPTS": "3",
    }
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    settings.cache_clear()
    try:
        yield WalletServices(apns, google, google_key.public_key(), folder)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        settings.cache_clear()
        apns_server.stop()
        google_server.stop()


@pytest.fixture
def wallet(wallet_services: WalletServices, redis) -> WalletServices:
    """The services, with fresh records for this test (and this test's Redis keys cleaned)."""
    with wallet_services.apns.lock:
        wallet_services.apns.pushes.clear()
        wallet_services.apns.script.clear()
    with wallet_services.google.lock:
        wallet_services.google.requests.clear()
        wallet_services.google.rejected.clear()
        wallet_services.google.fail_next.clear()
    return wallet_services


@pytest.fixture
async def api(database):
    """The REST app (API, PassKit web service, wallet downloads) in process."""
    from hub.api.app import create_api_app

    transport = httpx.ASGITransport(app=create_api_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


def jobs_for(queue, card_id: int, *, scheduled: bool = False) -> list[Job]:
    """The wallet sync jobs waiting for one card (other tests' cards may have some too)."""
    ids = queue.scheduled_job_registry.get_job_ids() if scheduled else queue.job_ids
    jobs = [j for j in Job.fetch_many(ids, connection=queue.connection) if j is not None]
    return [j for j in jobs if j.func_name == "hub.workers.wallet_jobs.sync_card" and j.args == (card_id,)]


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def pass_json(data: bytes) -> dict:
    return json.loads(unzip(data)["pass.json"])
