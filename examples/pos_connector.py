"""Reference POS connector: when an order closes with a Stamphub card code on it, stamp the card.

A till (or its back office) calls `on_order_closed(order)` with the closed order. If the
cashier scanned the customer's card QR (or typed it) into the order, the connector posts it
to `POST /api/v1/scans`. The idempotency key is derived from the order id, so a retry after
a timeout, a double-fired hook or a restarted till can never stamp one order twice. A
voucher code scanned instead of a card code redeems the voucher, exactly once.

    STAMPHUB_URL=https://stamps.example.com STAMPHUB_API_KEY=sh_… \\
        python examples/pos_connector.py order-1042 C.113772.ABCDEFGHIJKLMNOP 12.50

Needs only `httpx`. The API key needs the `stamp` scope.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass

import httpx

RETRIES = 4


@dataclass(frozen=True)
class ClosedOrder:
    order_id: str
    card_code: str | None  # what the barcode scanner read from the customer's card, if anything
    total: float


def idempotency_key(order: ClosedOrder) -> str:
    # One key per order: the same order always maps to the same stamp.
    return f"pos-order-{order.order_id}"


def on_order_closed(order: ClosedOrder, *, base_url: str, api_key: str, client: httpx.Client | None = None) -> dict:
    """Stamp the order's card; returns Stamphub's answer (outcome, message, card progress)."""
    if not order.card_code:
        return {"outcome": "skipped", "message": "No loyalty card on this order."}
    owns_client = client is None
    client = client or httpx.Client(base_url=base_url.rstrip("/"), timeout=10)
    try:
        body = {"code": order.card_code.strip(), "idempotency_key": idempotency_key(order)}
        headers = {"Authorization": f"Bearer {api_key}"}
        for attempt in range(RETRIES):
            try:
                response = client.post("/api/v1/scans", json=body, headers=headers)
            except httpx.TransportError:
                if attempt == RETRIES - 1:
                    raise
                time.sleep(2**attempt)  # safe to resend: the idempotency key makes it exactly once
                continue
            if response.status_code == 409:  # this order was already stamped by an earlier attempt
                return {"outcome": "already_stamped", "message": "This order already gave its stamp."}
            if response.status_code == 429 or response.status_code >= 500:
                time.sleep(float(response.headers.get("Retry-After", 2**attempt)))
                continue
            if response.status_code >= 400:
                problem = response.json()
                return {"outcome": "error", "error": problem.get("error"), "message": problem.get("message")}
            return response.json()
        return {"outcome": "error", "message": "Stamphub did not answer; the order can be retried later."}
    finally:
        if owns_client:
            client.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("order_id")
    parser.add_argument("card_code", nargs="?")
    parser.add_argument("total", nargs="?", type=float, default=0.0)
    args = parser.parse_args(argv)
    base_url = os.environ.get("STAMPHUB_URL", "http://localhost:8080")
    api_key = os.environ.get("STAMPHUB_API_KEY")
    if not api_key:
        print("Set STAMPHUB_API_KEY to an API key with the `stamp` scope.", file=sys.stderr)
        return 2
    result = on_order_closed(ClosedOrder(args.order_id, args.card_code, args.total), base_url=base_url, api_key=api_key)
    print(f"{result.get('outcome')}: {result.get('message')}")
    return 0 if result.get("outcome") not in ("error",) else 1


if __name__ == "__main__":
    sys.exit(main())
