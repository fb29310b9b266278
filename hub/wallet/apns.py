"""Apple Push Notification service, as PassKit uses it: an empty `{}` payload over HTTP/2
tells the device to ask the web service what changed.

Token authentication: an ES256 JWT from the .p8 key, reused until it is ~50 minutes old
(APNs refuses tokens older than an hour and throttles ones renewed too often).
"""

from __future__ import annotations

import asyncio
import ssl
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import httpx
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from hub import clock
from hub.wallet.config import AppleConfig

TOKEN_LIFETIME = 50 * 60


@dataclass(frozen=True)
class PushResult:
    status: int  # HTTP status, or 0 when APNs could not be reached
    reason: str = ""
    apns_id: str = ""
    retry_after: float | None = None

    @property
    def accepted(self) -> bool:
        return self.status == 200

    @property
    def gone(self) -> bool:
        return self.status == 410 or (self.status == 400 and self.reason in ("BadDeviceToken", "Unregistered"))

    @property
    def transient(self) -> bool:
        return self.status == 0 or self.status == 429 or self.status >= 500


class ApnsClient:
    """One HTTP/2 connection to APNs, shared by every push a worker sends."""

    def __init__(self, conf: AppleConfig, *, clock=clock.timestamp) -> None:
        if not conf.can_push:
            raise RuntimeError("APNS_KEY and APNS_KEY_ID are not set")
        assert conf.apns_key_path is not None
        self.conf = conf
        self._clock = clock
        key = serialization.load_pem_private_key(conf.apns_key_path.read_bytes(), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise RuntimeError("APNS_KEY must be an EC P-256 key (.p8)")
        self._key = key
        self._token: tuple[str, float] | None = None
        verify: ssl.SSLContext | bool = True
        if conf.apns_ca_file:
            verify = ssl.create_default_context(cafile=conf.apns_ca_file)
        self._http = httpx.AsyncClient(http2=True, verify=verify, timeout=httpx.Timeout(10.0, connect=5.0))

    def bearer(self) -> str:
        now = self._clock()
        if self._token is None or now - self._token[1] >= TOKEN_LIFETIME:
            claims = {"iss": self.conf.team_id, "iat": int(now)}
            self._token = (
                jwt.encode(claims, self._key, algorithm="ES256", headers={"kid": self.conf.apns_key_id}),
                now,
            )
        return self._token[0]

    async def push(self, push_token: str) -> PushResult:
        url = f"{self.conf.apns_url}/3/device/{push_token}"
        headers = {
            "authorization": f"bearer {self.bearer()}",
            "apns-topic": self.conf.pass_type_id,
            "apns-push-type": "background",
            "apns-priority": "5",
        }
        try:
            response = await self._http.post(url, content=b"{}", headers=headers)
        except httpx.HTTPError as exc:
            return PushResult(0, reason=exc.__class__.__name__)
        reason = ""
        if response.status_code != 200:
            try:
                reason = str(response.json().get("reason", ""))
            except ValueError:
                reason = response.text[:100]
        if reason in ("ExpiredProviderToken", "InvalidProviderToken"):
            self._token = None  # sign a fresh one for the next attempt
        return PushResult(
            response.status_code,
            reason=reason,
            apns_id=response.headers.get("apns-id", ""),
            retry_after=_retry_after(response.headers.get("retry-after")),
        )

    async def push_with_retries(self, push_token: str, *, attempts: int, backoff: float) -> tuple[PushResult, int]:
        """Retry 429 / 5xx / network errors with exponential backoff; returns (result, tries)."""
        result = PushResult(0)
        for attempt in range(1, attempts + 1):
            result = await self.push(push_token)
            if not result.transient and result.reason not in ("ExpiredProviderToken",):
                return result, attempt
            if attempt < attempts:
                delay = backoff * 2 ** (attempt - 1)
                if result.retry_after is not None:
                    delay = max(delay, min(result.retry_after, 30.0))
                await asyncio.sleep(delay)
        return result, attempts

    async def aclose(self) -> None:
        await self._http.aclose()


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        # An HTTP date from Apple's servers: compared with the machine's real time, not ours.
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None
