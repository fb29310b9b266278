"""The counter's actions for one logged-in seat, each turned into a verdict (never an exception)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable

from hub import admission
from hub.domain import codes
from hub.domain.customer_search import CardHit, holder, search_cards
from hub.domain.outcomes import ScanResult
from hub.domain.scans import ensure_seat_signed_in, seat_scan
from hub.domain.staff_sessions import SeatContext
from hub.domain.visits import Visit, undo_stamp
from hub.domain.vouchers import find_by_redeem_code, redeem_voucher, voucher_of_business
from hub.errors import DomainError
from hub.models import Card, Voucher
from hub.runtime import runtime
from hub.ui.scanner.verdicts import Verdict, Waiting, failure, from_error, from_result, undone

log = logging.getLogger(__name__)


class Desk:
    def __init__(self, ctx: SeatContext, secret: bytes) -> None:
        self.ctx = ctx
        self.secret = secret

    async def scan(
        self, code: str, *, via: str, key: str | None = None, vouchers: bool = True, visit: Visit = Visit.ONE
    ) -> Verdict:
        """Stamp a card code (once per visit) or redeem a voucher code; `key` makes a re-sent
        scan count once, and names the stamp for Undo."""
        key = key or new_key(via)

        async def run() -> Verdict:
            async with admission.slot():
                result = await seat_scan(
                    self.ctx, code, secret=self.secret, idempotency_key=key, via=via, visit=visit, vouchers=vouchers
                )
            return await self._about(result, stamp_key=key)

        return await self._guard(run)

    async def another(self, number: int, key: str) -> Verdict:
        """A deliberate extra stamp ("+1 another stamp") for an order of several items."""
        return await self.scan(codes.card_code(self.secret, number), via="another", key=key, visit=Visit.EXTRA)

    async def undo(self, stamp_key: str) -> Verdict:
        """Take back the stamp this scanner gave under `stamp_key`."""

        async def run() -> Verdict:
            seat = {"seat_id": self.ctx.seat_id, "location_id": self.ctx.location_id}
            card, template = await undo_stamp(self.ctx.business_id, stamp_key, **seat)
            name, waiting = await self._customer(card)
            return undone(card, template, name, waiting)

        return await self._guard(run)

    async def redeem(self, voucher_id: int) -> Verdict:
        """Redeem a voucher shown with a verdict or a search result (after the staff confirmed)."""
        return await self._redeem(lambda: voucher_of_business(self.ctx.business_id, voucher_id), via="counter")

    async def redeem_code(self, raw: str) -> Verdict:
        """Redeem a voucher by the short code a customer reads out or shows."""
        rt = runtime()
        client = f"seat:{self.ctx.seat_id}"
        return await self._redeem(
            lambda: find_by_redeem_code(rt.redis, rt.settings.redis_prefix, self.ctx.business_id, raw, client=client),
            via="code",
        )

    async def stamp_number(self, number: int) -> Verdict:
        """Stamp a card found by search, through the same path as a scan of its code."""
        return await self.scan(codes.card_code(self.secret, number), via="search")

    async def search(self, query: str) -> list[CardHit]:
        return await search_cards(self.ctx.business_id, query, secret=self.secret)

    async def _redeem(self, find: Callable[[], Awaitable[Voucher]], *, via: str) -> Verdict:
        async def run() -> Verdict:
            result = await redeem_voucher(
                self.ctx.business_id,
                await find(),
                seat_id=self.ctx.seat_id,
                location_id=self.ctx.location_id,
                via=via,
                idempotency_key=new_key(via),
            )
            return await self._about(result)

        return await self._guard(run)

    async def _guard(self, run: Callable[[], Awaitable[Verdict]]) -> Verdict:
        try:
            await ensure_seat_signed_in(self.ctx)
            return await run()
        except DomainError as error:
            return from_error(error)
        except Exception:
            log.exception("scan failed at seat %s", self.ctx.seat_id)
            return failure()

    async def _about(self, result: ScanResult, *, stamp_key: str | None = None) -> Verdict:
        name, waiting = await self._customer(result.card)
        return from_result(result, name, waiting=waiting, stamp_key=stamp_key)

    @staticmethod
    async def _customer(card: Card) -> tuple[str | None, tuple[Waiting, ...]]:
        name, waiting = await holder(card)
        return name, tuple(Waiting(v.id, v.title) for v in waiting)


def new_key(via: str) -> str:
    return f"{via}-{uuid.uuid4().hex}"
