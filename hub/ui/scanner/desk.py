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
from hub.domain.vouchers import find_by_redeem_code, redeem_voucher
from hub.errors import DomainError
from hub.models import Customer, StaffSeat
from hub.runtime import runtime
from hub.ui.scanner.verdicts import Verdict, failure, from_error, from_result

log = logging.getLogger(__name__)


class Desk:
    def __init__(self, ctx: SeatContext, secret: bytes) -> None:
        self.ctx = ctx
        self.secret = secret

    async def scan(self, code: str, *, via: str, key: str | None = None, vouchers: bool = True) -> Verdict:
        """Stamp a card code or redeem a voucher code; `key` makes a re-sent scan count once."""
        key = key or f"{via}-{uuid.uuid4().hex}"

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
                )

        return await self._verdict(run)

    async def redeem_code(self, raw: str) -> Verdict:
        """Redeem a voucher by the short code a customer reads out or shows."""

        async def run() -> ScanResult:
            rt = runtime()
            voucher = await find_by_redeem_code(
                rt.redis, rt.settings.redis_prefix, self.ctx.business_id, raw, client=f"seat:{self.ctx.seat_id}"
            )
            return await redeem_voucher(
                self.ctx.business_id,
                voucher,
                seat_id=self.ctx.seat_id,
                location_id=self.ctx.location_id,
                via="code",
                idempotency_key=f"code-{uuid.uuid4().hex}",
            )

        return await self._verdict(run)

    async def stamp_number(self, number: int) -> Verdict:
        """Stamp a card found by search, through the same path as a scan of its code."""
        return await self.scan(codes.card_code(self.secret, number), via="search")

    async def search(self, query: str) -> list[CardHit]:
        return await search_cards(self.ctx.business_id, query, secret=self.secret)

    async def _verdict(self, run: Callable[[], Awaitable[ScanResult]]) -> Verdict:
        # A page stays open for a whole shift; a seat revoked (or its PIN reset) meanwhile must stop
        # stamping at once, even should the page outlive the event that ends it.
        seat = self.ctx.seat
        if not await StaffSeat.exists(id=seat.id, revoked_at=None, password_hash=seat.password_hash):
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
        return from_result(result, customer.name if customer else None)


class _VoucherAtKiosk(Exception):
    """A customer alone at the kiosk must not redeem: nobody would hand the reward over."""
