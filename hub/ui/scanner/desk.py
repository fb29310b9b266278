"""The counter's actions for one logged-in seat, each turned into a verdict (never an exception)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable

from hub import admission
from hub.domain import codes
from hub.domain.customer_search import CardHit, search_cards
from hub.domain.outcomes import ScanResult
from hub.domain.scans import scan
from hub.domain.staff_sessions import SeatContext
from hub.domain.visits import Visit, undo_stamp
from hub.domain.vouchers import find_by_redeem_code, redeem_voucher, voucher_of_business, waiting_vouchers
from hub.errors import DomainError
from hub.models import Card, Customer, StaffSeat, Voucher
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
            if not vouchers and codes.parse_code(self.secret, code).kind == "voucher":
                raise _VoucherAtKiosk()
            async with admission.slot():
                result = await scan(
                    self.ctx.business_id,
                    code,
                    secret=self.secret,
                    seat_id=self.ctx.seat_id,
                    location_id=self.ctx.location_id,
                    idempotency_key=key,
                    via=via,
                    visit=visit,
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
        # A page stays open for a whole shift; a seat revoked (or its PIN reset) meanwhile must stop
        # stamping at once, even should the page outlive the event that ends it.
        seat = self.ctx.seat
        if not await StaffSeat.exists(id=seat.id, revoked_at=None, password_hash=seat.password_hash):
            return Verdict("rejected", "Signed out", "This staff login was revoked. Ask the owner.", reason="revoked")
        try:
            return await run()
        except _VoucherAtKiosk:
            return Verdict(
                "notice",
                "Vouchers at the counter, please",
                "Show your voucher to our staff to receive your reward.",
                reason="voucher_at_kiosk",
            )
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
        """The holder's name and, as with every verdict about a card, what they can redeem now."""
        customer = await Customer.get_or_none(id=card.customer_id)
        waiting = tuple(Waiting(v.id, v.title) for v in (await waiting_vouchers([card.id]))[card.id])
        return (customer.name if customer else None), waiting


def new_key(via: str) -> str:
    return f"{via}-{uuid.uuid4().hex}"


class _VoucherAtKiosk(Exception):
    """A customer alone at the kiosk must not redeem: nobody would hand the reward over."""
