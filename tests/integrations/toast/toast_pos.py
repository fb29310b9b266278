"""A scripted Toast POS of the tests' own: it builds requests as the Toast Loyalty Integration API
1.1.0 defines them and checks every request it sends and every answer it gets against Toast's
published OpenAPI document (toast-loyalty-1.1.0.yaml beside this file)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import yaml
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_schema_validator import OAS30Validator

SPEC = Path(__file__).with_name("toast-loyalty-1.1.0.yaml")
# Where the spec's server puts its one path; our endpoint is mapped onto it for validation.
SPEC_HOST = "https://toast-api-server"
SPEC_PATH = "/yourapiname/v1/yourendpointname"


@cache
def spec() -> dict[str, Any]:
    return yaml.safe_load(SPEC.read_text())


@cache
def openapi() -> OpenAPI:
    return OpenAPI.from_dict(spec())


def validate_request(headers: dict[str, str], body: bytes) -> None:
    openapi().validate_request(MockRequest(SPEC_HOST, "post", SPEC_PATH, headers=headers, data=body))


def validate_response(headers: dict[str, str], body: bytes, status: int, content: bytes) -> None:
    """200 and 400 against the operation's responses. The spec's ResponseSearch and ResponseCheck
    require a 404 for an unknown account without listing it under the operation, so a 404's body
    is checked against LoyaltyTransactionResponse itself."""
    if status == 404:
        schema = {**spec()["components"]["schemas"]["LoyaltyTransactionResponse"], "components": spec()["components"]}
        OAS30Validator(schema).validate(json.loads(content))
        return
    request = MockRequest(SPEC_HOST, "post", SPEC_PATH, headers=headers, data=body)
    openapi().validate_response(request, MockResponse(content, status_code=status))


def ref(entity: str) -> dict[str, str]:
    return {"guid": str(uuid.uuid4()), "entityType": entity}


def selection(
    name: str, price: float, *, quantity: float = 1, plu: str | None = None, guid: str | None = None, **extra: Any
) -> dict:
    item = {"guid": guid or str(uuid.uuid4()), "entityType": "MenuItem"}
    chosen = {
        **ref("MenuItemSelection"),
        "item": item,
        "quantity": quantity,
        "displayName": name,
        "price": price,
        **extra,
    }
    if plu:
        chosen["plu"] = plu
    return chosen


def check(selections: list[dict], *, amount: float | None = None, guid: str | None = None, **extra: Any) -> dict:
    total = round(sum(s["price"] for s in selections), 2) if amount is None else amount
    return {
        "guid": guid or str(uuid.uuid4()),
        "entityType": "Check",
        "displayNumber": "42",
        "selections": selections,
        "amount": total,
        "totalAmount": round(total * 1.08, 2),
        "paymentStatus": "CLOSED",
        **extra,
    }


@dataclass
class Reply:
    status: int
    content: bytes
    guid: str

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.content)

    @property
    def transaction_status(self) -> str:
        return self.json["transactionStatus"]


@dataclass
class ToastPos:
    """Toast's side of the wire, pointed at one Stamphub endpoint with one static key."""

    client: httpx.AsyncClient
    url: str
    key: str
    restaurant: str = field(default_factory=lambda: str(uuid.uuid4()))

    async def send(
        self,
        kind: str,
        body: dict[str, Any],
        *,
        guid: str | None = None,
        key: str | None = None,
        url: str | None = None,
    ) -> Reply:
        guid = guid or str(uuid.uuid4())
        headers = {
            "Toast-Transaction-GUID": guid,
            "Toast-Transaction-Type": kind,
            "Toast-Restaurant-External-ID": self.restaurant,
            "Authorization": self.key if key is None else key,
            "Content-Type": "application/json",
        }
        raw = json.dumps({"toastTransactionType": kind, **body}).encode()
        validate_request(headers, raw)
        response = await self.client.post(url or self.url, content=raw, headers=headers)
        assert response.headers["content-type"].startswith("application/json")
        validate_response(headers, raw, response.status_code, response.content)
        return Reply(response.status_code, response.content, guid)

    async def search(self, guid: str | None = None, **criteria: str) -> Reply:
        return await self.send(
            "LOYALTY_SEARCH", {"searchTransactionInformation": {"searchCriteria": criteria}}, guid=guid
        )

    async def _check(self, kind: str, identifier: str | None, the_check: dict, redemptions=(), guid=None) -> Reply:
        info: dict[str, Any] = {"check": the_check, "redemptions": list(redemptions)}
        if identifier is not None:
            info["loyaltyIdentifier"] = identifier
        return await self.send(kind, {"checkTransactionInformation": info}, guid=guid)

    async def inquire(self, identifier: str, the_check: dict, redemptions=(), guid=None) -> Reply:
        return await self._check("LOYALTY_INQUIRE", identifier, the_check, redemptions, guid)

    async def redeem(self, identifier: str, the_check: dict, redemptions=(), guid=None) -> Reply:
        return await self._check("LOYALTY_REDEEM", identifier, the_check, redemptions, guid)

    async def accrue(self, identifier: str | None, the_check: dict, guid=None) -> Reply:
        return await self._check("LOYALTY_ACCRUE", identifier, the_check, (), guid)

    async def reverse(self, identifier: str, transaction_id: str, redemptions=None, guid=None) -> Reply:
        info: dict[str, Any] = {"loyaltyIdentifier": identifier, "transactionId": transaction_id}
        if redemptions is not None:
            info["redemptions"] = redemptions
        return await self.send("LOYALTY_REVERSE", {"reverseTransactionInformation": info}, guid=guid)


def redemption_of(offer: dict[str, Any]) -> dict[str, Any]:
    """What Toast sends once the employee applies an offer to the check."""
    return {
        "identifier": offer["identifier"],
        "appliedDiscountGuid": str(uuid.uuid4()),
        "amount": offer["amount"],
        "quantity": 1,
    }
