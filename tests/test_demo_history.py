"""The demo's past: generated through the domain with the clock at each historic instant, so
the journal, the analytics and the events are the ones real use would leave."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from hub import clock
from hub.domain import analytics
from hub.domain.businesses import add_location, add_seat
from hub.domain.demo_history import seed_history
from hub.models import Campaign, CardEvent, OutboxEvent, Voucher
from tests.factories import make_shop


async def test_history_is_real_journal_rows_and_events_across_both_locations(clock_at):
    now = datetime(2026, 6, 15, 18, 0, tzinfo=UTC)
    clock_at(now)
    shop = await make_shop(stamps_required=5)
    market = await add_location(shop.business_id, "Market Square")
    till = await add_seat(shop.business_id, market.id, "Cash Register", f"till-{shop.business_id}", "5678")
    seats = [(shop.seat.id, shop.location.id), (till.id, market.id)]
    before = (await OutboxEvent.all().order_by("-id").first()).id

    made = await seed_history(shop.business_id, shop.template.id, seats, days=28, customers=40, seed=7)

    assert made["customers"] == 40 and made["stamps"] > 40 and made["redeemed"] > 0
    rows = await CardEvent.filter(business_id=shop.business_id).values("kind", "created_at", "location_id", "seat_id")
    kinds = Counter(r["kind"] for r in rows)
    assert kinds["joined"] == 40 and kinds["stamp"] == made["stamps"]
    assert kinds["voucher_issued"] > 0 and kinds["voucher_redeemed"] == made["redeemed"]
    stamps = [r for r in rows if r["kind"] == "stamp"]
    assert {r["seat_id"] for r in stamps} == {shop.seat.id, till.id}
    assert {r["location_id"] for r in stamps} == {shop.location.id, market.id}
    assert all(now - timedelta(days=29) <= r["created_at"] < now for r in stamps)
    lunch = sum(11 <= r["created_at"].hour < 14 for r in stamps)
    evening = sum(r["created_at"].hour >= 19 for r in stamps)
    assert lunch > 3 * evening
    published = Counter(e["type"] for e in await OutboxEvent.filter(id__gt=before).values_list("payload", flat=True))
    assert published["card.stamped"] == made["stamps"] and published["voucher.redeemed"] == made["redeemed"]
    birthday = await Campaign.get(business_id=shop.business_id, kind="birthday")
    assert birthday.status == "active"
    # The Overview shows the history: per day, and per seat.
    overview = await analytics.recent(shop.business_id, 30)
    assert overview.totals["stamps"] == made["stamps"] and sum(1 for n in overview.series["stamps"] if n) > 14
    assert {row.seat for row in overview.staff if row.stamps} == {"Bar Counter", "Cash Register"}
    assert await Voucher.filter(card__business_id=shop.business_id, state="redeemed").count() == made["redeemed"]
    assert clock.utcnow() >= now  # the historic clock is gone once seeding is done


async def test_no_history_when_asked_for_none_or_when_the_business_already_works(clock_at):
    clock_at(datetime(2026, 6, 15, 18, 0, tzinfo=UTC))
    shop = await make_shop()
    seats = [(shop.seat.id, shop.location.id)]
    assert (await seed_history(shop.business_id, shop.template.id, seats, days=0))["stamps"] == 0
    assert await CardEvent.filter(business_id=shop.business_id).count() == 1  # the shop's own card
    first = await seed_history(shop.business_id, shop.template.id, seats, days=7, customers=5)
    again = await seed_history(shop.business_id, shop.template.id, seats, days=7, customers=5)
    assert first["stamps"] > 0 and again["stamps"] == 0
