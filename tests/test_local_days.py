"""A business's day is its own: daily caps, billing months, birthdays and analytics all turn over
at local midnight, on New Year's Eve, on 29 February and across daylight saving changes."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hub.domain import analytics, automations, plans
from hub.domain.cards import issue_card
from hub.domain.stamps import add_stamp
from hub.models import Business, CampaignDelivery
from tests.factories import make_shop, new_card

LOS_ANGELES = ZoneInfo("America/Los_Angeles")
BERLIN = ZoneInfo("Europe/Berlin")


def local(tz: ZoneInfo, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=tz)


async def shop_in(tz: ZoneInfo, plan: str = "monthly", **template):
    shop = await make_shop(plan=plan, **template)
    await Business.filter(id=shop.business_id).update(timezone=tz.key)
    return shop


async def outcome(shop) -> str:
    result = await add_stamp(shop.business_id, shop.card.id)
    return result.reason or result.outcome


DAILY_CAP_DAYS = {
    # 23:30 on 31 December in Los Angeles is already 1 January in UTC, and so is 00:10 after.
    "new_years_eve": (
        LOS_ANGELES,
        [((2026, 12, 31, 23, 30), "stamped"), ((2026, 12, 31, 23, 50), "daily_cap"), ((2027, 1, 1, 0, 10), "stamped")],
    ),
    # 28 March 2027 has 23 hours in Berlin; 00:30 there is still the 27th in UTC.
    "berlin_springs_forward": (
        BERLIN,
        [((2027, 3, 27, 23, 30), "stamped"), ((2027, 3, 28, 0, 30), "stamped"), ((2027, 3, 28, 23, 30), "daily_cap")],
    ),
    # 7 November 2027 has 25 hours in Los Angeles: 00:30 and 23:30 fall on two UTC days.
    "los_angeles_falls_back": (
        LOS_ANGELES,
        [((2027, 11, 7, 0, 30), "stamped"), ((2027, 11, 7, 23, 30), "daily_cap"), ((2027, 11, 8, 0, 1), "stamped")],
    ),
}


@pytest.mark.parametrize("case", DAILY_CAP_DAYS)
async def test_the_daily_cap_starts_again_at_local_midnight(case, clock_at):
    tz, visits = DAILY_CAP_DAYS[case]
    clock = clock_at(local(tz, *visits[0][0]))
    shop = await shop_in(tz, daily_cap=1)
    for moment, expected in visits:
        clock.set(local(tz, *moment))
        assert await outcome(shop) == expected, moment


async def test_the_free_plan_meter_counts_the_local_month_through_29_february(clock_at):
    clock = clock_at(local(LOS_ANGELES, 2028, 2, 29, 15, 0))
    shop = await shop_in(LOS_ANGELES, plan="free")
    card = await new_card(shop)
    for _ in range(98):  # the two issued cards make 100 operations
        assert (await add_stamp(shop.business_id, card.id)).outcome in ("stamped", "reward")
    assert await plans.usage(shop.business_id) == 100
    # 20:00 on the 29th in Los Angeles is 1 March in UTC: still February for the café.
    clock.set(local(LOS_ANGELES, 2028, 2, 29, 20, 0))
    assert await outcome(shop) == "plan_limit"
    days = await plans.daily_operations(shop.business_id)
    assert len(days) == 29 and days[-1] == (date(2028, 2, 29), 100)
    clock.set(local(LOS_ANGELES, 2028, 3, 1, 0, 30))
    assert await outcome(shop) == "stamped"
    assert await plans.daily_operations(shop.business_id) == [(date(2028, 3, 1), 1)]


async def test_birthdays_on_new_years_eve_and_on_29_february_in_a_leap_year(clock_at):
    clock = clock_at(local(LOS_ANGELES, 2026, 12, 30, 12, 0))
    shop = await shop_in(LOS_ANGELES)
    eve = await issue_card(shop.business_id, shop.template.id, "Eve", birthday=date(1990, 12, 31))
    leap = await issue_card(shop.business_id, shop.template.id, "Leap", birthday=date(2000, 2, 29))
    campaign = await automations.configure(
        shop.business_id, "birthday", enabled=True, subject="Hi", body="Happy birthday", channels=["push"]
    )

    async def greeted() -> list[tuple[int, str]]:
        rows = CampaignDelivery.filter(campaign_id=campaign.id).order_by("id")
        return await rows.values_list("card_id", "occasion")

    # 20:00 on 31 December in Los Angeles, 1 January in UTC: the 31st's birthday, of 2026.
    clock.set(local(LOS_ANGELES, 2026, 12, 31, 20, 0))
    await automations.run_birthdays()
    assert await greeted() == [(eve.id, "birthday:2026")]
    # In a leap year the 29th is the day, not the 28th.
    clock.set(local(LOS_ANGELES, 2028, 2, 28, 12, 0))
    await automations.run_birthdays()
    assert leap.id not in dict(await greeted())
    clock.set(local(LOS_ANGELES, 2028, 2, 29, 12, 0))
    await automations.run_birthdays()
    assert (leap.id, "birthday:2028") in await greeted()


async def test_the_overview_ends_on_the_local_today_and_a_new_years_eve_stamp_stays_in_its_year(clock_at):
    clock = clock_at(local(LOS_ANGELES, 2026, 12, 31, 22, 0))
    shop = await shop_in(LOS_ANGELES)
    await add_stamp(shop.business_id, shop.card.id)
    report = await analytics.recent(shop.business_id, 7)
    assert report.end == date(2026, 12, 31) and report.series["stamps"][-1] == 1
    clock.advance(timedelta(hours=3))  # 01:00 on 1 January locally
    report = await analytics.recent(shop.business_id, 7)
    assert report.end == date(2027, 1, 1)
    assert report.series["stamps"][-2:] == [1, 0]
