import asyncio
import hashlib
import json
import subprocess

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs7

from hub.domain import codes
from hub.wallet.apple import authentication_token
from hub.wallet.config import wallet_config
from tests.servers import running_server
from tests.wallet.conftest import PASS_TYPE_ID, TEAM_ID, pass_json, unzip

STORE_CARD_KEYS = {
    "formatVersion",
    "passTypeIdentifier",
    "serialNumber",
    "teamIdentifier",
    "organizationName",
    "description",
    "storeCard",
    "barcodes",
    "webServiceURL",
    "authenticationToken",
}


async def test_the_pkpass_manifest_lists_the_sha1_of_every_file(api, wallet, shop):
    response = await api.get(f"/wallet/apple/{shop.card.token}.pkpass")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.apple.pkpass"
    files = unzip(response.content)
    manifest = json.loads(files["manifest.json"])
    assert set(manifest) == set(files) - {"manifest.json", "signature"}
    for name, digest in manifest.items():
        assert hashlib.sha1(files[name]).hexdigest() == digest
    assert {"pass.json", "icon.png", "icon@2x.png", "logo.png", "strip.png", "strip@2x.png"} <= set(files)


def openssl_verify(manifest: bytes, signature: bytes, folder) -> subprocess.CompletedProcess:
    """`openssl smime -verify` of a detached pass signature against the chain we sign with."""
    (folder / "manifest.json").write_bytes(manifest)
    (folder / "signature").write_bytes(signature)
    # The chain this configuration signs with (another pass type id gets a folder of its own).
    ca = wallet_config().apple.cert_path.parent / "dev-ca.pem"
    command = ["openssl", "smime", "-verify", "-binary", "-inform", "DER", "-in", str(folder / "signature")]
    command += ["-content", str(folder / "manifest.json"), "-CAfile", str(ca), "-purpose", "any", "-out", "/dev/null"]
    return subprocess.run(command, capture_output=True, text=True)


async def test_openssl_accepts_the_signature_against_the_development_ca(api, wallet, shop, tmp_path):
    files = unzip((await api.get(f"/wallet/apple/{shop.card.token}.pkpass")).content)
    verified = openssl_verify(files["manifest.json"], files["signature"], tmp_path)
    assert verified.returncode == 0, verified.stderr
    assert "Verification successful" in verified.stderr


async def test_a_tampered_manifest_fails_verification(api, wallet, shop, tmp_path):
    files = unzip((await api.get(f"/wallet/apple/{shop.card.token}.pkpass")).content)
    verified = openssl_verify(files["manifest.json"].replace(b'"', b"'", 1), files["signature"], tmp_path)
    assert verified.returncode != 0


async def test_the_signature_carries_the_pass_certificate_and_the_wwdr_intermediate(api, wallet, shop):
    files = unzip((await api.get(f"/wallet/apple/{shop.card.token}.pkpass")).content)
    certs = pkcs7.load_der_pkcs7_certificates(files["signature"])
    subjects = {c.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value for c in certs}
    assert subjects == {f"Pass Type ID: {PASS_TYPE_ID}", "Stamphub Development WWDR Intermediate"}
    assert all("development" in c.subject.rfc4514_string() for c in certs)


async def test_pass_json_has_every_key_a_store_card_needs(api, wallet, shop, secret):
    data = pass_json((await api.get(f"/wallet/apple/{shop.card.token}.pkpass")).content)
    assert STORE_CARD_KEYS <= set(data)
    assert data["formatVersion"] == 1
    assert data["passTypeIdentifier"] == PASS_TYPE_ID
    assert data["teamIdentifier"] == TEAM_ID
    assert data["serialNumber"] == str(shop.card.number)
    assert data["organizationName"].endswith("(development)")
    assert data["webServiceURL"] == "http://testserver/passkit"
    assert data["authenticationToken"] == authentication_token(secret, shop.card.id)
    assert len(data["authenticationToken"]) >= 16
    assert data["barcodes"] == [
        {
            "format": "PKBarcodeFormatQR",
            "message": codes.card_code(secret, shop.card.number),
            "messageEncoding": "iso-8859-1",
            "altText": f"#{shop.card.number}",
        }
    ]
    for key in ("foregroundColor", "backgroundColor", "labelColor"):
        assert data[key].startswith("rgb(")
    store = data["storeCard"]
    stamps = next(f for f in store["headerFields"] if f["key"] == "stamps")
    assert stamps["value"] == "0 / 8"
    assert stamps["changeMessage"] == "Stamps: %@"
    assert store["secondaryFields"] and store["auxiliaryFields"]
    page = next(f for f in store["backFields"] if f["key"] == "page")
    assert page["value"] == f"http://testserver/c/{shop.card.token}"


async def test_the_strip_draws_the_stamps(api, wallet, shop):
    from hub.domain.stamps import adjust_stamps

    before = unzip((await api.get(f"/wallet/apple/{shop.card.token}.pkpass")).content)["strip.png"]
    await adjust_stamps(shop.business_id, shop.card.id, 3)
    after = unzip((await api.get(f"/wallet/apple/{shop.card.token}.pkpass")).content)
    assert after["strip.png"] != before
    assert json.loads(after["pass.json"])["storeCard"]["headerFields"][0]["value"] == "3 / 8"


async def test_an_unknown_card_has_no_pass(api, wallet):
    assert (await api.get("/wallet/apple/no-such-card.pkpass")).status_code == 404


@pytest.mark.slow
async def test_the_full_app_serves_the_pass_and_the_web_service(wallet, shop):
    """Through `stamphub serve` (NiceGUI + API + Socket.IO), not just the API app."""

    def fetch() -> tuple[int, bytes, int]:
        with running_server() as server:
            download = httpx.get(f"{server.url}/wallet/apple/{shop.card.token}.pkpass", timeout=30)
            unknown_device = httpx.get(f"{server.url}/passkit/v1/devices/nobody/registrations/{PASS_TYPE_ID}")
            return download.status_code, download.content, unknown_device.status_code

    status, content, listed = await asyncio.to_thread(fetch)
    assert status == 200 and listed == 204
    data = pass_json(content)
    assert data["serialNumber"] == str(shop.card.number)
    assert data["webServiceURL"].startswith("http://127.0.0.1:") and data["webServiceURL"].endswith("/passkit")


async def test_the_pass_speaks_the_language_the_customer_joined_in(api, wallet, shop, configure, tmp_path):
    from hub.models import Customer
    from tests.catalogues import stand_in, write_catalogue

    write_catalogue(tmp_path, "ar")
    configure(LOCALES_DIR=str(tmp_path))
    await Customer.filter(id=shop.card.customer_id).update(language="ar")
    store = pass_json((await api.get(f"/wallet/apple/{shop.card.token}.pkpass")).content)["storeCard"]
    stamps = next(f for f in store["headerFields"] if f["key"] == "stamps")
    assert stamps["label"] == stand_in("ar", "Stamps")
    assert stamps["changeMessage"] == stand_in("ar", "Stamps: %@")
    assert stamps["value"] == "0 / 8"
    how = next(f for f in store["backFields"] if f["key"] == "how")
    assert how["value"].startswith(stand_in("ar", "Show the code at the counter"))
    assert "8 stamps earn: Free coffee" in how["value"]
