"""A payment provider in the shape of the common ones: hosted checkout sessions created over a
form-encoded REST API with a secret key, and webhooks signed `t=<unix>,v1=<hex hmac-sha256>`
over `"<t>.<body>"`. Configured by PAYMENT_URL, PAYMENT_API_KEY and PAYMENT_WEBHOOK_SECRET."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

import httpx

from hub import clock, egress
from hub.config import settings
from hub.errors import DomainError


class PaymentUnavailable(DomainError):
    code = "payments_unavailable"
    status = 503
    message = "Online payment is not set up on this server yet. Contact support to change your plan."


class BadWebhookSignature(DomainError):
    code = "invalid_signature"
    status = 400
    message = "The payment webhook signature does not match."


@dataclass(frozen=True)
class PaymentProvider:
    base_url: str
    api_key: str
    webhook_secret: str

    async def create_checkout_session(
        self, *, business_id: int, plan: str, quantity: int, success_url: str, cancel_url: str
    ) -> dict[str, Any]:
        form = {
            "mode": "subscription",
            "client_reference_id": str(business_id),
            "line_items[0][price]": f"stamphub_{plan}",
            "line_items[0][quantity]": str(quantity),
            "metadata[plan]": plan,
            "success_url": success_url,
            "cancel_url": cancel_url,
        }
        try:
            async with egress.client(timeout=10, follow_redirects=True) as client:
                response = await client.post(
                    f"{self.base_url}/v1/checkout/sessions",
                    data=form,
                    headers={"Authorization": f"Bearer {self.api_key}"},
                )
        except httpx.HTTPError as exc:
            raise PaymentUnavailable(f"The payment provider could not be reached. {egress.failure(exc)}") from exc
        if response.status_code >= 400:
            raise PaymentUnavailable(f"The payment provider refused the checkout ({response.status_code}).")
        return response.json()

    def verify_webhook(self, body: bytes, header: str, *, tolerance: int = 300, now: float | None = None) -> dict:
        parts = dict(p.split("=", 1) for p in (header or "").split(",") if "=" in p)
        try:
            timestamp = int(parts["t"])
        except (KeyError, ValueError) as exc:
            raise BadWebhookSignature() from exc
        expected = sign(self.webhook_secret, timestamp, body)
        if not hmac.compare_digest(expected, parts.get("v1", "")):
            raise BadWebhookSignature()
        if abs((clock.timestamp() if now is None else now) - timestamp) > tolerance:
            raise BadWebhookSignature("The payment webhook is too old.")
        return json.loads(body)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def configured_provider() -> PaymentProvider | None:
    conf = settings().payments
    if not conf.url:
        return None
    return PaymentProvider(conf.url.rstrip("/"), conf.api_key, conf.webhook_secret)
