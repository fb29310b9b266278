"""One entry point for everything a scanner reads: card codes stamp, voucher codes redeem."""

from __future__ import annotations

from hub.domain import codes
from hub.domain.outcomes import ScanResult
from hub.domain.staff_sessions import SeatContext
from hub.domain.stamps import add_stamp
from hub.domain.visits import Visit
from hub.domain.vouchers import redeem_voucher
from hub.errors import ForeignCard, NotFound, SeatRevoked, VoucherAtKiosk
from hub.models import Card, StaffSeat, Voucher


async def ensure_seat_signed_in(ctx: SeatContext) -> None:
    """A scanner page stays open for a whole shift: a seat revoked (or its PIN reset) meanwhile
    must stop at once, even should the page outlive the event that ends it."""
    if not await StaffSeat.exists(id=ctx.seat_id, revoked_at=None, password_hash=ctx.seat.password_hash):
        raise SeatRevoked()


async def seat_scan(
    ctx: SeatContext,
    raw_code: str,
    *,
    secret: bytes,
    idempotency_key: str,
    via: str,
    visit: Visit = Visit.ONE,
    vouchers: bool = True,
) -> ScanResult:
    """A scan at a signed-in seat's scanner or kiosk; the kiosk (`vouchers=False`) stamps but
    never redeems, as nobody would hand the reward over."""
    await ensure_seat_signed_in(ctx)
    if not vouchers and codes.parse_code(secret, raw_code).kind == "voucher":
        raise VoucherAtKiosk()
    return await scan(
        ctx.business_id,
        raw_code,
        secret=secret,
        seat_id=ctx.seat_id,
        location_id=ctx.location_id,
        idempotency_key=idempotency_key,
        via=via,
        visit=visit,
    )


async def scan(
    business_id: int,
    raw_code: str,
    *,
    secret: bytes,
    seat_id: int | None = None,
    location_id: int | None = None,
    idempotency_key: str | None = None,
    via: str = "scan",
    visit: Visit = Visit.ANY,
) -> ScanResult:
    """Stamp a card or redeem a voucher from a scanned code.

    The signature is checked before any lookup; a signed code of another business is
    refused without touching its card. The staff scanner and the kiosk pass `Visit.ONE`
    (one stamp per visit); the REST API does not.
    """
    parsed = codes.parse_code(secret, raw_code)
    if parsed.kind == "card":
        try:
            return await add_stamp(
                business_id,
                number=parsed.ident,
                seat_id=seat_id,
                location_id=location_id,
                idempotency_key=idempotency_key,
                source=via,
                visit=visit,
            )
        except NotFound:
            if await Card.exists(number=parsed.ident, deleted_at=None):
                raise ForeignCard() from None
            raise NotFound("This card no longer exists.") from None
    voucher = await Voucher.get_or_none(id=parsed.ident)
    if voucher is None:
        raise NotFound("This voucher no longer exists.")
    if voucher.business_id != business_id:
        raise ForeignCard("This voucher belongs to another business.")
    return await redeem_voucher(
        business_id, voucher, seat_id=seat_id, location_id=location_id, via=via, idempotency_key=idempotency_key
    )
