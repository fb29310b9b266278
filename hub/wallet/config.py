"""Wallet settings from the environment (see docs/WALLET.md for every variable).

Apple is always available: without certificates a development CA and pass certificate
are generated so the whole path can be exercised locally. Google Wallet is on only when
an issuer id and a service-account key are given.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

from hub.config import WalletSettings, settings

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


def _certificate_subject(path: Path) -> dict[str, str]:
    """Apple's pass certificates name the pass type (UID) and the team (OU) in the subject."""
    from cryptography import x509

    data = path.read_bytes()
    cert = x509.load_pem_x509_certificate(data) if b"-----BEGIN" in data else x509.load_der_x509_certificate(data)
    wanted = {x509.NameOID.USER_ID: "UID", x509.NameOID.ORGANIZATIONAL_UNIT_NAME: "OU"}
    return {wanted[a.oid]: str(a.value) for a in cert.subject if a.oid in wanted}


def _apple(env: WalletSettings) -> AppleConfig:
    cert, key, wwdr = env.apple_pass_cert, env.apple_pass_key, env.apple_wwdr_cert
    apns = dict(
        apns_url=env.apns_url.rstrip("/"),
        apns_key_path=Path(env.apns_key) if env.apns_key else None,
        apns_key_id=env.apns_key_id,
        apns_ca_file=env.apns_ca_file,
    )
    if cert and key and wwdr:
        password = env.apple_pass_key_password
        subject = _certificate_subject(Path(cert))
        return AppleConfig(
            pass_type_id=env.apple_pass_type_id or subject.get("UID", ""),
            team_id=env.apple_team_id or subject.get("OU", ""),
            cert_path=Path(cert),
            key_path=Path(key),
            key_password=password.encode() if password else None,
            wwdr_path=Path(wwdr),
            development=False,
            **apns,
        )
    from hub.wallet import devcerts

    pass_type_id = env.apple_pass_type_id or DEV_PASS_TYPE_ID
    team_id = env.apple_team_id or DEV_TEAM_ID
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


def _google(env: WalletSettings) -> GoogleConfig | None:
    issuer, key_file = env.google_wallet_issuer_id, env.google_wallet_service_account
    if not (issuer and key_file):
        return None
    account = json.loads(Path(key_file).read_text())
    return GoogleConfig(
        issuer_id=issuer,
        client_email=account["client_email"],
        private_key_pem=account["private_key"].encode(),
        private_key_id=account.get("private_key_id"),
        api_url=env.google_wallet_url.rstrip("/"),
        token_url=env.google_token_url or account.get("token_uri") or "https://oauth2.googleapis.com/token",
        rotating_barcode=env.google_wallet_rotating_barcode,
    )


def wallet_config() -> WalletConfig:
    """The certificates and keys of the current settings, loaded once for them."""
    return _loaded(settings().wallet)


@functools.lru_cache(maxsize=1)
def _loaded(env: WalletSettings) -> WalletConfig:
    return WalletConfig(
        apple=_apple(env),
        google=_google(env),
        coalesce_seconds=env.wallet_coalesce_seconds,
        push_attempts=max(1, env.wallet_push_attempts),
        backoff_seconds=env.wallet_backoff_seconds,
    )


def google_configured() -> bool:
    """Cheap check for pages: are the Google Wallet settings present at all?"""
    env = settings().wallet
    return bool(env.google_wallet_issuer_id and env.google_wallet_service_account)
