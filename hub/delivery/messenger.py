"""The messenger gateway: WhatsApp, Telegram and Viber through one HTTP JSON API.

The gateway (a 7cloc-style integration) is configured per business by its base URL and a
bearer token:

- `GET  {base}/v1/account` → 200 `{"name": ..., "channels": ["whatsapp", "telegram", ...]}`
  proves the token and says which messengers the account can reach.
- `POST {base}/v1/messages` with `{"channel": hint, "to": address, "text": ..., "reference": key}`
  and an `Idempotency-Key` header → 2xx `{"id": ..., "status": "accepted"}`. The gateway
  answers a repeated key with the first result, so a resend after a crash is not doubled.
  400/404/410/422 mean this recipient cannot be reached (permanent); 401/403 a revoked
  token (permanent); 408/429/5xx and network errors are worth a retry.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from hub import egress
from hub.delivery.results import MESSENGER_HINTS, SendResult

TIMEOUT = httpx.Timeout(15.0, connect=5.0)
PERMANENT = {400, 401, 403, 404, 410, 422}


class GatewayError(Exception):
    """The gateway refused the connection check; `detail` says why, for the integrations page."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


@dataclass(frozen=True)
class Account:
    name: str
    channels: list[str]


class MessengerGateway:
    def __init__(self, base_url: str, token: str, *, client: httpx.AsyncClient | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self._client = client
        self._owned = client is None

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = egress.client(timeout=TIMEOUT, follow_redirects=True)
        return self._client

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}

    async def account(self) -> Account:
        try:
            response = await self.client.get(f"{self.base_url}/v1/account", headers=self._headers())
        except httpx.HTTPError as exc:
            raise GatewayError(egress.failure(exc)) from exc
        if response.status_code in (401, 403):
            raise GatewayError("The gateway refused the token.")
        if response.status_code != 200:
            raise GatewayError(f"The gateway answered {response.status_code}.")
        try:
            data = response.json()
        except ValueError as exc:
            raise GatewayError("The gateway did not answer with JSON.") from exc
        channels = [c for c in data.get("channels", []) if c in MESSENGER_HINTS]
        return Account(name=str(data.get("name", "")), channels=channels)

    async def send(self, hint: str, address: str, text: str, *, key: str) -> SendResult:
        body = {"channel": hint, "to": address, "text": text, "reference": key}
        headers = {**self._headers(), "Idempotency-Key": key}
        try:
            response = await self.client.post(f"{self.base_url}/v1/messages", json=body, headers=headers)
        except httpx.HTTPError as exc:
            detail = f"gateway unreachable: {egress.failure(exc)}"
            return SendResult.bounced(detail) if egress.permanent(exc) else SendResult.transient(detail)
        if 200 <= response.status_code < 300:
            try:
                ident = str(response.json().get("id", ""))
            except ValueError:
                ident = ""
            return SendResult.accepted(f"gateway id {ident}" if ident else "")
        detail = f"{response.status_code} {_reason(response)}".strip()
        if response.status_code in PERMANENT:
            return SendResult.bounced(detail, response.status_code)
        return SendResult.transient(detail, response.status_code)

    async def aclose(self) -> None:
        if self._owned and self._client is not None:
            await self._client.aclose()
            self._client = None


def _reason(response: httpx.Response) -> str:
    try:
        data = response.json()
        return str(data.get("error") or data.get("message") or "")[:200]
    except ValueError:
        return response.text[:200]
