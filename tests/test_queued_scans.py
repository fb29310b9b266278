"""Scans a scanner queued offline: judged at their bounded scan time, once per key, never from a
revoked seat, never a voucher; an online stamp and a queued one of the same visit count once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from hub.domain import codes, queued_scans
from hub.domain.businesses import revoke_seat
from hub.domain.scans import scan
from hub.domain.staff_sessions import current_seat, session_for
from hub.domain.visits import Visit
from hub.domain.vouchers import issue_manual_voucher
from hub.errors import NeedsConnection, SeatRevoked, Unauthorized
from hub.models import Card, CardEvent, StaffSeat
from tests.factories import make_shop

NOON = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
DEVICE = 1_000_000_000_000  # any device clock: only its differences count
MIN = 60_000


def test_the_scan_time_is_the_server_clock_less_the_age_the_device_measured():
    assert queued_scans.scan_time(DEVICE - 10 * MIN, DEVICE, NOON) == (NOON - timedelta(minutes=10), 600)
    assert queued_scans.scan_time(DEVICE + 5 * MIN, DEVICE, NOON) == (NOON, -300)  # a clock set back
    assert queued_scans.scan_time(DEVICE - 25 * 60 * MIN, DEVICE, NOON) == (None, 25 * 3600)


async def seat_of(shop):
    seat = await StaffSeat.get(id=shop.seat.id)
    return await current_seat(session_for(seat))


async def send(ctx, secret, code, *, age_min=0, key=None):
    return await queued_scans.send_queued_scan(
        ctx,
        code,
        secret=secret,
        key=key or f"queued-{uuid.uuid4().hex}",
        scanned_ms=DEVICE - age_min * MIN,
        sent_ms=DEVICE,
    )


async def test_a_queued_scan_is_journaled_with_its_scan_time_and_counts_as_that_visit(clock_at, secret):
    clock = clock_at(NOON, frozen=True)
    shop = await make_shop()
    ctx = await seat_of(shop)
    code = codes.card_code(secret, shop.card.number)
    assert (await send(ctx, secret, code, age_min=3)).outcome == "stamped"
    row = await CardEvent.get(card_id=shop.card.id, kind="stamp")
    assert row.scanned_at == NOON - timedelta(minutes=3) and row.created_at == NOON
    clock.set(NOON + timedelta(seconds=30))
    online = await scan(
        shop.business_id, code, secret=secret, seat_id=ctx.seat_id, idempotency_key="online-1", visit=Visit.ONE
    )
    assert online.reason is None  # 3.5 minutes after the queued scan: a new visit
    # Queued at the same moment as the online scan: one visit, whichever reached the server first.
    again = await send(ctx, secret, code, age_min=0)
    assert again.reason == "already_stamped"
    assert (await Card.get(id=shop.card.id)).stamps == 2


async def test_a_key_sent_again_is_answered_with_its_stamp(clock_at, secret):
    clock_at(NOON, frozen=True)
    shop = await make_shop()
    ctx = await seat_of(shop)
    code = codes.card_code(secret, shop.card.number)
    await send(ctx, secret, code, key="queued-abc12345")
    twin = await send(ctx, secret, code, key="queued-abc12345")
    assert twin.detail == {"already_sent": True} and twin.card.stamps == 1
    assert await CardEvent.filter(card_id=shop.card.id, kind="stamp").count() == 1


async def test_a_revoked_seat_and_a_voucher_are_refused(clock_at, secret):
    clock_at(NOON, frozen=True)
    shop = await make_shop()
    ctx = await seat_of(shop)
    voucher = await issue_manual_voucher(shop.business_id, shop.card.id, title="Cake", expires_at=None)
    with pytest.raises(NeedsConnection):
        await send(ctx, secret, codes.voucher_code(secret, voucher.id))
    stored = session_for(await StaffSeat.get(id=shop.seat.id))
    await revoke_seat(shop.business_id, shop.seat.id)
    with pytest.raises(SeatRevoked):
        await send(ctx, secret, codes.card_code(secret, shop.card.number))
    with pytest.raises(SeatRevoked):
        await queued_scans.seat_for_queue(stored)
    with pytest.raises(Unauthorized):
        await queued_scans.seat_for_queue(None)
    assert await CardEvent.filter(card_id=shop.card.id, kind="stamp").count() == 0
