"""Web Push (RFC 8030) to a customer's browser.

The payload is encrypted for the subscription's keys (RFC 8291, `aes128gcm`, pywebpush's
encoder) and the request is signed for the push service with our VAPID key (RFC 8292,
py-vapid). The endpoint is a URL a browser handed us, so the request goes out through the
egress guard like every other configured address. A push service answering 404 or 410 says
the subscription is gone for good (`SendResult.permanent`); the caller forgets it.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
from cryptography.hazmat.primitives import serialization
from py_vapid import Vapid02
from pywebpush import WebPusher

from hub import clock, egress
from hub.config import settings
from hub.delivery.results import SendResult

TIMEOUT_SECONDS = 10.0
TOKEN_SECONDS = 12 * 3600  # RFC 8292: a token is valid at most 24 hours
GONE = (404, 410)


@dataclass(frozen=True)
class Subscription:
    endpoint: str
    p256dh: str
    auth: str


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def load_key(private_key: str) -> Vapid02:
    """Our VAPID key from PEM, or from the base64url of its raw 32 bytes."""
    text = private_key.strip()
    if text.startswith("-----BEGIN"):
        return Vapid02.from_pem(text.encode())
    return Vapid02.from_raw(text.encode())


def public_key(private_key: str) -> str:
    """The application server key browsers subscribe with (base64url, uncompressed point)."""
    point = load_key(private_key).public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return _b64url(point)


class WebPushSender:
    def __init__(self, private_key: str, subject: str, ttl: int) -> None:
        self._vapid = load_key(private_key)
        self._subject = subject
        self._ttl = ttl

    @classmethod
    def configured(cls) -> WebPushSender:
        conf = settings()
        return cls(conf.vapid_private_key, conf.webpush.subject, conf.webpush.ttl_seconds)

    def _headers(self, endpoint: str, topic: str | None) -> dict[str, str]:
        parts = urlsplit(endpoint)
        claims = {
            "aud": f"{parts.scheme}://{parts.netloc}",
            "exp": int(clock.timestamp()) + TOKEN_SECONDS,
            "sub": self._subject,
        }
        headers = {
            **self._vapid.sign(claims),
            "TTL": str(self._ttl),
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
            "Urgency": "normal",
        }
        if topic:
            headers["Topic"] = topic  # a resend replaces the undelivered copy instead of adding one
        return headers

    async def send(
        self, subscription: Subscription, payload: dict[str, Any], *, topic: str | None = None
    ) -> SendResult:
        """Encrypt `payload` (JSON) for the subscription and hand it to its push service."""
        info = {"endpoint": subscription.endpoint, "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth}}
        try:
            body = WebPusher(info).encode(json.dumps(payload).encode(), "aes128gcm")["body"]
        except Exception as exc:  # keys a browser would never make: the subscription is useless
            return SendResult.bounced(f"unusable subscription keys: {exc}"[:255])
        try:
            async with egress.client(timeout=TIMEOUT_SECONDS) as client:
                response = await client.post(
                    subscription.endpoint, content=body, headers=self._headers(subscription.endpoint, topic)
                )
        except httpx.HTTPError as exc:
            if egress.permanent(exc):
                return SendResult.bounced(egress.failure(exc))
            return SendResult.transient(egress.failure(exc))
        status = response.status_code
        if 200 <= status < 300:
            return SendResult.accepted(f"push service {status}")
        detail = f"push service {status}: {response.text[:160]}"
        if status in GONE or status in (400, 403, 413):
            return SendResult.bounced(detail, code=status)
        return SendResult.transient(detail, code=status)
