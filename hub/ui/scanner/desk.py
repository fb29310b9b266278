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
from hub.domain.visits import Visit
from hub.domain.vouchers import find_by_redeem_code, redeem_voucher, voucher_of_business, waiting_vouchers
from hub.errors import DomainError
from hub.models import Customer, StaffSeat
from hub.ui.scanner.verdicts import Verdict, Waiting, failure, from_error, from_result

log = logging.getLogger(__name__)


class Desk:
    def __init__(self, ctx: SeatContext, secret: bytes) -> None:
        self.ctx = ctx
        self.secret = secret

    async def scan(
        self, code: str, *, via: str, key: str | None = None, vouchers: bool = True, visit: Visit = Visit.ONE
    ) -> Verdict:
        """Stamp a card code (once per visit) or redeem a voucher code; `key` makes a re-sent
        scan count once."""
        key = key or new_key(via)

        async def run() -> ScanResult:
            if not vouchers and codes.parse_code(self.secret, code).kind == "voucher":
                raise _VoucherAtKiosk()
            async with admission.slot():
                return await scan(
                    self.ctx.business_id,
                    code,
                    secret=self.secret,
                    seat_id=self.ctx.seat_id,
                    location_id=self.ctx.location_id,
                    idempotency_key=key,
                    via=via,
                    visit=visit,
                )

        return await self._verdict(run, stamp_key=key)

    async def another(self, number: int, key: str) -> Verdict:
        """A deliberate extra stamp ("+1 another stamp") for an order of several items."""
        return await self.scan(codes.card_code(self.secret, number), via="another", key=key, visit=Visit.EXTRA)

    async def redeem(self, voucher_id: int) -> Verdict:
        """Redeem a voucher shown with a verdict or a search result (after the staff confirmed)."""

        async def run() -> ScanResult:
            voucher = await voucher_of_business(self.ctx.business_id, voucher_id)
            return await redeem_voucher(
                self.ctx.business_id,
                voucher,
                seat_id=self.ctx.seat_id,
                location_id=self.ctx.location_id,
                via="counter",
                idempotency_key=new_key("counter"),
            )

        return await self._verdict(run)

    async def redeem_code(self, raw: str) -> Verdict:
        """Redeem a voucher by the short code a customer reads out or shows."""

        async def run() -> ScanResult:
            voucher = await find_by_redeem_code(self.ctx.business_id, raw)
            return await redeem_voucher(
                self.ctx.business_id,
                voucher,
                seat_id=self.ctx.seat_id,
                location_id=self.ctx.location_id,
                via="code",
                idempotency_key=new_key("code"),
            )

        return await self._verdict(run)

    async def stamp_number(self, number: int) -> Verdict:
        """Stamp a card found by search, through the same path as a scan of its code."""
        return await self.scan(codes.card_code(self.secret, number), via="search")

    async def search(self, query: str) -> list[CardHit]:
        return await search_cards(self.ctx.business_id, query, secret=self.secret)

    async def _verdict(self, run: Callable[[], Awaitable[ScanResult]], *, stamp_key: str | None = None) -> Verdict:
        # A page stays open for a whole shift; a seat revoked meanwhile must stop stamping at once.
        if not await StaffSeat.exists(id=self.ctx.seat_id, revoked_at=None):
            return Verdict("rejected", "Signed out", "This staff login was revoked. Ask the owner.", reason="revoked")
        try:
            result = await run()
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
        customer = await Customer.get_or_none(id=result.card.customer_id)
        # With every verdict about a card, what the customer can redeem right now.
        waiting = tuple(Waiting(v.id, v.title) for v in (await waiting_vouchers([result.card.id]))[result.card.id])
        return from_result(result, customer.name if customer else None, waiting=waiting, stamp_key=stamp_key)


def new_key(via: str) -> str:
    return f"{via}-{uuid.uuid4().hex}"


class _VoucherAtKiosk(Exception):
    """A customer alone at the kiosk must not redeem: nobody would hand the reward over."""
