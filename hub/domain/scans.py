"""One entry point for everything a scanner reads: card codes stamp, voucher codes redeem."""

from __future__ import annotations

from hub.domain import codes
from hub.domain.outcomes import ScanResult
from hub.domain.stamps import add_stamp
from hub.domain.visits import Visit
from hub.domain.vouchers import redeem_voucher
from hub.errors import ForeignCard, NotFound
from hub.models import Card, Voucher


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
