"""Wallet settings from the environment (see docs/WALLET.md for every variable).

Apple is always available: without certificates a development CA and pass certificate
are generated so the whole path can be exercised locally. Google Wallet is on only when
an issuer id and a service-account key are given.
"""

from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass
from pathlib import Path

from hub.config import settings

DEV_PASS_TYPE_ID = "pass.dev.stamphub.card"
DEV_TEAM_ID = "DEVTEAM000"


@dataclass(frozen=True)
class AppleConfig:
    pass_type_id: str
    team_id: str
    cert_path: Path
    key_path: Path
    key_password: bytes | None
    wwdr_path: Path
    development: bool
    apns_url: str
    apns_key_path: Path | None  # the .p8 token-signing key; without it nothing is pushed
    apns_key_id: str | None
    apns_ca_file: str | None  # only for a private APNs endpoint (tests, proxies)

    @property
    def can_push(self) -> bool:
        return self.apns_key_path is not None and self.apns_key_id is not None


@dataclass(frozen=True)
class GoogleConfig:
    issuer_id: str
    client_email: str
    private_key_pem: bytes
    private_key_id: str | None
    api_url: str
    token_url: str
    rotating_barcode: bool


@dataclass(frozen=True)
class WalletConfig:
    apple: AppleConfig
    google: GoogleConfig | None
    coalesce_seconds: float
    push_attempts: int
    backoff_seconds: float


def _env(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


def _flag(name: str) -> bool:
    return (_env(name) or "").lower() in ("1", "true", "yes", "on")


def _certificate_subject(path: Path) -> dict[str, str]:
    """Apple's pass certificates name the pass type (UID) and the team (OU) in the subject."""
    from cryptography import x509

    data = path.read_bytes()
    cert = x509.load_pem_x509_certificate(data) if b"-----BEGIN" in data else x509.load_der_x509_certificate(data)
    wanted = {x509.NameOID.USER_ID: "UID", x509.NameOID.ORGANIZATIONAL_UNIT_NAME: "OU"}
    return {wanted[a.oid]: str(a.value) for a in cert.subject if a.oid in wanted}


def _apple() -> AppleConfig:
    cert, key, wwdr = _env("APPLE_PASS_CERT"), _env("APPLE_PASS_KEY"), _env("APPLE_WWDR_CERT")
    apns = dict(
        apns_url=(_env("APNS_URL") or "https://api.push.apple.com").rstrip("/"),
        apns_key_path=Path(p) if (p := _env("APNS_KEY")) else None,
        apns_key_id=_env("APNS_KEY_ID"),
        apns_ca_file=_env("APNS_CA_FILE"),
    )
    if cert and key and wwdr:
        password = _env("APPLE_PASS_KEY_PASSWORD")
        subject = _certificate_subject(Path(cert))
        return AppleConfig(
            pass_type_id=_env("APPLE_PASS_TYPE_ID") or subject.get("UID", ""),
            team_id=_env("APPLE_TEAM_ID") or subject.get("OU", ""),
            cert_path=Path(cert),
            key_path=Path(key),
            key_password=password.encode() if password else None,
            wwdr_path=Path(wwdr),
            development=False,
            **apns,
        )
    from hub.wallet import devcerts

    pass_type_id = _env("APPLE_PASS_TYPE_ID") or DEV_PASS_TYPE_ID
    team_id = _env("APPLE_TEAM_ID") or DEV_TEAM_ID
    paths = devcerts.ensure(settings().data_dir / "wallet-dev", pass_type_id, team_id)
    return AppleConfig(
        pass_type_id=pass_type_id,
        team_id=team_id,
        cert_path=paths.pass_cert,
        key_path=paths.pass_key,
        key_password=None,
        wwdr_path=paths.wwdr_cert,
        development=True,
        **apns,
    )


def _google() -> GoogleConfig | None:
    issuer, key_file = _env("GOOGLE_WALLET_ISSUER_ID"), _env("GOOGLE_WALLET_SERVICE_ACCOUNT")
    if not (issuer and key_file):
        return None
    account = json.loads(Path(key_file).read_text())
    return GoogleConfig(
        issuer_id=issuer,
        client_email=account["client_email"],
        private_key_pem=account["private_key"].encode(),
        private_key_id=account.get("private_key_id"),
        api_url=(_env("GOOGLE_WALLET_URL") or "https://walletobjects.googleapis.com/walletobjects/v1").rstrip("/"),
        token_url=_env("GOOGLE_TOKEN_URL") or account.get("token_uri") or "https://oauth2.googleapis.com/token",
        rotating_barcode=(_env("GOOGLE_WALLET_ROTATING_BARCODE") or "1").lower() in ("1", "true", "yes", "on"),
    )


@functools.cache
def wallet_config() -> WalletConfig:
    """Read once per process; `wallet_config.cache_clear()` re-reads (tests, reloads)."""
    return WalletConfig(
        apple=_apple(),
        google=_google(),
        coalesce_seconds=float(_env("WALLET_COALESCE_SECONDS") or 3),
        push_attempts=max(1, int(_env("WALLET_PUSH_ATTEMPTS") or 4)),
        backoff_seconds=float(_env("WALLET_BACKOFF_SECONDS") or 1.0),
    )


def google_configured() -> bool:
    """Cheap check for pages: are the Google Wallet settings present at all?"""
    return bool(_env("GOOGLE_WALLET_ISSUER_ID") and _env("GOOGLE_WALLET_SERVICE_ACCOUNT"))
