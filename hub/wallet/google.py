"""Google Wallet: a LoyaltyClass per template version, a LoyaltyObject per card, the
"Save to Google Wallet" link and object messages.

The REST client authenticates as the service account with the OAuth 2.0 JWT-bearer
grant and keeps the access token until shortly before it expires.
"""

from __future__ import annotations

import asyncio
import urllib.parse
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from hub import clock
from hub.i18n import Lang
from hub.render import colours
from hub.wallet import labels, rotating
from hub.wallet.config import GoogleConfig
from hub.wallet.content import PassContent

SCOPE = "https://www.googleapis.com/auth/wallet_object.issuer"
SAVE_URL = "https://pay.google.com/gp/v/save/"
NOTIFY_PER_DAY = 3


class GoogleApiError(Exception):
    def __init__(self, status: int, message: str, *, transient: bool) -> None:
        super().__init__(f"Google Wallet API {status}: {message}")
        self.status = status
        self.transient = transient


def _id_part(text: str) -> str:
    # Object and class ids allow only word characters, dots and dashes after the issuer.
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in text)


def class_id(conf: GoogleConfig, template_id: int, version: int) -> str:
    return f"{conf.issuer_id}.{_id_part(f'stamphub-t{template_id}-v{version}')}"


def object_id(conf: GoogleConfig, card_id: int, number: int) -> str:
    return f"{conf.issuer_id}.{_id_part(f'stamphub-c{card_id}-{number}')}"


def loyalty_class(conf: GoogleConfig, content: PassContent, *, public_url: str) -> dict[str, Any]:
    design = content.design
    # One class serves every holder of the template version: it speaks the business's language.
    lang = Lang(content.business_language)
    logo_url = f"{public_url}/wallet/google/logo/{content.template_id}-{content.template_version}.png"
    return {
        "id": class_id(conf, content.template_id, content.template_version),
        "issuerName": content.business_name[:20] or "Stamphub",
        "programName": content.title[:20] or "Stamp card",
        "programLogo": {
            "sourceUri": {"uri": logo_url},
            "contentDescription": {"defaultValue": {"language": lang.html_lang, "value": content.business_name}},
        },
        "hexBackgroundColor": colours.hex_css(colours.rgb(design, "background")),
        "reviewStatus": "UNDER_REVIEW",
        "multipleDevicesAndHoldersAllowedStatus": "ONE_USER_ALL_DEVICES",
        "textModulesData": [
            {
                "id": "how",
                "header": lang._(labels.HOW),
                "body": labels.how_it_works(lang, content.stamps_required, content.reward_title),
            },
        ],
    }


def loyalty_object(conf: GoogleConfig, content: PassContent, *, secret: bytes) -> dict[str, Any]:
    _ = Lang(content.language)._
    body: dict[str, Any] = {
        "id": object_id(conf, content.card_id, content.number),
        "classId": class_id(conf, content.template_id, content.template_version),
        "state": "INACTIVE" if content.deleted else "ACTIVE",
        "accountId": str(content.number),
        "accountName": content.customer_name,
        "loyaltyPoints": {"label": _(labels.STAMPS), "balance": {"int": content.stamps}},
        "secondaryLoyaltyPoints": {"label": _(labels.REWARDS_READY), "balance": {"int": content.active_vouchers}},
        "barcode": {"type": "QR_CODE", "value": content.code, "alternateText": f"#{content.number}"},
        "textModulesData": [
            {"id": "progress", "header": _(labels.PROGRESS), "body": f"{content.stamps} / {content.stamps_required}"},
            {"id": "reward", "header": _(labels.REWARD), "body": content.reward_title},
            *([{"id": "notice", "header": _(labels.NEWS), "body": content.notice}] if content.notice else []),
        ],
        "linksModuleData": {"uris": [{"id": "page", "uri": content.page_url, "description": _(labels.ONLINE)}]},
    }
    if conf.rotating_barcode:
        body["rotatingBarcode"] = rotating.google_rotating_barcode(secret, content.number)
    return body


@dataclass
class _Token:
    value: str
    expires: float


class GoogleWalletClient:
    def __init__(self, conf: GoogleConfig, *, attempts: int = 4, backoff: float = 1.0, timeout: float = 15.0) -> None:
        self.conf = conf
        key = serialization.load_pem_private_key(conf.private_key_pem, password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise RuntimeError("the Google service-account key must be RSA")
        self._key = key
        self._kid = {"kid": conf.private_key_id} if conf.private_key_id else None
        self._token: _Token | None = None
        self._lock = asyncio.Lock()
        self.attempts = attempts
        self.backoff = backoff
        self._http = httpx.AsyncClient(timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)))

    # -- the save link -----------------------------------------------------------------
    def save_url(self, payload: dict[str, Any], *, origins: list[str]) -> str:
        """`https://pay.google.com/gp/v/save/<JWT>` carrying `payload` (objects and classes)."""
        claims = {
            "iss": self.conf.client_email,
            "aud": "google",
            "typ": "savetowallet",
            "iat": int(clock.timestamp()),
            "origins": origins,
            "payload": payload,
        }
        return SAVE_URL + jwt.encode(claims, self._key, algorithm="RS256", headers=self._kid)

    # -- OAuth -------------------------------------------------------------------------
    async def access_token(self) -> str:
        async with self._lock:
            if self._token and self._token.expires - 60 > clock.timestamp():
                return self._token.value
            now = int(clock.timestamp())
            assertion = jwt.encode(
                {
                    "iss": self.conf.client_email,
                    "scope": SCOPE,
                    "aud": self.conf.token_url,
                    "iat": now,
                    "exp": now + 3600,
                },
                self._key,
                algorithm="RS256",
                headers=self._kid,
            )
            response = await self._send(
                "POST",
                self.conf.token_url,
                data={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": assertion},
                authorized=False,
            )
            try:
                body = response.json()
                self._token = _Token(body["access_token"], clock.timestamp() + float(body.get("expires_in", 3600)))
            except (ValueError, KeyError, TypeError) as exc:
                raise GoogleApiError(
                    response.status_code, f"no access token: {response.text[:200]}", transient=False
                ) from exc
            return self._token.value

    # -- REST --------------------------------------------------------------------------
    async def _send(self, method: str, url: str, *, authorized: bool = True, **kwargs: Any) -> httpx.Response:
        last: GoogleApiError | None = None
        stale_token_replaced = False
        attempt = 0
        while attempt < self.attempts:
            attempt += 1
            headers = {"authorization": f"Bearer {await self.access_token()}"} if authorized else {}
            try:
                response = await self._http.request(method, url, headers=headers, **kwargs)
            except httpx.HTTPError as exc:
                last = GoogleApiError(0, exc.__class__.__name__, transient=True)
            else:
                if response.status_code < 400 or response.status_code in (404, 409):
                    return response
                if response.status_code == 401 and authorized:
                    self._token = None  # revoked or expired early: fetch a new one and retry
                    last = GoogleApiError(401, response.text[:200], transient=True)
                    if not stale_token_replaced:
                        # A token held from earlier is not a failed attempt: a client allowed
                        # one attempt (a customer waiting on a click) asks again at once.
                        stale_token_replaced = True
                        attempt -= 1
                        continue
                else:
                    transient = response.status_code == 429 or response.status_code >= 500
                    last = GoogleApiError(response.status_code, response.text[:200], transient=transient)
                    if not transient:
                        raise last
            if attempt < self.attempts:
                await asyncio.sleep(self.backoff * 2 ** (attempt - 1))
        assert last is not None
        raise last

    def _url(self, *parts: str) -> str:
        return "/".join([self.conf.api_url, *(urllib.parse.quote(p, safe="") for p in parts)])

    async def insert_class(self, body: dict[str, Any]) -> None:
        """Create the class; an existing one (409) is brought up to date instead."""
        response = await self._send("POST", self._url("loyaltyClass"), json=body)
        if response.status_code == 409:
            response = await self._send("PATCH", self._url("loyaltyClass", body["id"]), json=body)
        _raise_for(response)

    async def upsert_object(self, body: dict[str, Any]) -> dict[str, Any]:
        """PATCH the object, creating it when Google does not know it yet."""
        response = await self._send("PATCH", self._url("loyaltyObject", body["id"]), json=body)
        if response.status_code == 404:
            response = await self._send("POST", self._url("loyaltyObject"), json=body)
            if response.status_code == 409:  # created meanwhile by a save or another worker
                response = await self._send("PATCH", self._url("loyaltyObject", body["id"]), json=body)
        _raise_for(response)
        return response.json()

    async def insert_object(self, body: dict[str, Any]) -> dict[str, Any]:
        """Create the object; when it exists already (a second save link), PATCH it."""
        response = await self._send("POST", self._url("loyaltyObject"), json=body)
        if response.status_code == 409:
            response = await self._send("PATCH", self._url("loyaltyObject", body["id"]), json=body)
        _raise_for(response)
        return response.json()

    async def add_message(
        self, object_id_: str, *, header: str, body: str, message_id: str, notify: bool
    ) -> dict[str, Any]:
        now = clock.utcnow()
        message = {
            "id": message_id,
            "header": header[:100],
            "body": body[:500],
            "messageType": "TEXT_AND_NOTIFY" if notify else "TEXT",
            "displayInterval": {
                "start": {"date": now.isoformat().replace("+00:00", "Z")},
                "end": {"date": (now + timedelta(days=14)).isoformat().replace("+00:00", "Z")},
            },
        }
        response = await self._send(
            "POST", self._url("loyaltyObject", object_id_, "addMessage"), json={"message": message}
        )
        if response.status_code == 409:  # this message id was added before: a retried job
            return {}
        _raise_for(response)
        return response.json()

    async def aclose(self) -> None:
        await self._http.aclose()


def _raise_for(response: httpx.Response) -> None:
    if response.status_code >= 400:
        raise GoogleApiError(response.status_code, response.text[:200], transient=False)
