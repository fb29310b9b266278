"""Owner analytics count by the business's own days, not UTC days."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from hub.domain import analytics
from hub.domain.stamps import add_stamp
from hub.models import Business, CardEvent
from tests.factories import make_shop


async def stamp_at(shop, when: datetime) -> None:
    await add_stamp(shop.business_id, shop.card.id)
    latest = await CardEvent.filter(card_id=shop.card.id, kind="stamp").order_by("-id").first()
    await CardEvent.filter(id=latest.id).update(created_at=when)


async def test_a_late_evening_stamp_counts_on_that_local_day():
    shop = await make_shop()
    await Business.filter(id=shop.business_id).update(timezone="America/Los_Angeles")
    # 22:30 on 22 November in Los Angeles is already 23 November in UTC.
    await stamp_at(shop, datetime(2026, 11, 23, 6, 30, tzinfo=UTC))
    await stamp_at(shop, datetime(2026, 11, 23, 19, 0, tzinfo=UTC))  # 11:00 on the 23rd
    report = await analytics.overview(shop.business_id, date(2026, 11, 22), date(2026, 11, 23))
    assert report.series["stamps"] == [1, 1]
    only_the_23rd = await analytics.overview(shop.business_id, date(2026, 11, 23), date(2026, 11, 23))
    assert only_the_23rd.totals["stamps"] == 1


async def test_days_stay_right_across_a_daylight_saving_change():
    shop = await make_shop()
    await Business.filter(id=shop.business_id).update(timezone="Europe/Berlin")
    # Summer time starts 29 March 2026 at 01:00 UTC: 23:30 local is 21:30 UTC after, 22:30 UTC before.
    await stamp_at(shop, datetime(2026, 3, 28, 22, 30, tzinfo=UTC))  # 23:30 on the 28th (UTC+1)
    await stamp_at(shop, datetime(2026, 3, 29, 21, 30, tzinfo=UTC))  # 23:30 on the 29th (UTC+2)
    await stamp_at(shop, datetime(2026, 3, 29, 22, 30, tzinfo=UTC))  # 00:30 on the 30th
    report = await analytics.overview(shop.business_id, date(2026, 3, 28), date(2026, 3, 30))
    assert report.series["stamps"] == [1, 1, 1]


def test_offset_spans_find_the_change_to_the_quarter_hour():
    berlin = ZoneInfo("Europe/Berlin")
    since = datetime(2026, 3, 27, 23, 0, tzinfo=UTC)
    spans = analytics.offset_spans(berlin, since, datetime(2026, 3, 31, 22, 0, tzinfo=UTC))
    assert spans == (("2026-03-27 23:00:00+00:00", 3600), ("2026-03-29 01:00:00+00:00", 7200))
    assert analytics.offset_spans(ZoneInfo("UTC"), since, datetime(2026, 12, 1, tzinfo=UTC)) == (
        ("2026-03-27 23:00:00+00:00", 0),
    )
