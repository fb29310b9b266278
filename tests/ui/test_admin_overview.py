from nicegui.testing import User

from hub.domain.stamps import add_stamp, adjust_stamps
from hub.domain.vouchers import redeem_voucher
from hub.models import Voucher
from tests.conftest import eventually
from tests.factories import new_card
from tests.ui.owner_steps import sign_in


def value(user: User, key: str) -> str:
    return user.find(marker=f"kpi-value-{key}").elements.pop().text


async def test_the_overview_counts_the_periods_operations(user: User, live, redis, shop):
    second = await new_card(shop, "Second Customer")
    for _ in range(8):
        await add_stamp(shop.business_id, second.id, seat_id=shop.seat.id, location_id=shop.location.id)
    await adjust_stamps(shop.business_id, shop.card.id, 2)
    voucher = await Voucher.get(card_id=second.id)
    await redeem_voucher(shop.business_id, voucher, seat_id=shop.seat.id, location_id=shop.location.id)
    await sign_in(user, shop)
    await user.should_see(marker="kpi-value-stamps")
    assert value(user, "cards_issued") == "2"
    assert value(user, "stamps") == "10"
    assert value(user, "rewards") == "1"
    assert value(user, "redeemed") == "1"
    assert value(user, "active_customers") == "2"
    assert user.find(marker="staff-stamps-Bar Counter").elements.pop().text == "8"


async def test_the_overview_updates_live(user: User, live, redis, shop):
    await sign_in(user, shop)
    await user.should_see(marker="kpi-value-stamps")
    assert value(user, "stamps") == "0"
    await add_stamp(shop.business_id, shop.card.id, seat_id=shop.seat.id, location_id=shop.location.id)
    await eventually(lambda: user.find(marker="kpi-value-stamps").elements and value(user, "stamps") == "1")


async def test_the_period_can_be_changed(user: User, live, redis, shop):
    await sign_in(user, shop)
    with user:
        user.find(marker="period").elements.pop().value = 7
    await user.should_see("Last 7 days")
    await user.should_see(marker="kpi-value-cards_issued")
    assert value(user, "cards_issued") == "1"


def test_chart_legends_sit_below_the_date_axis_not_on_it():
    from datetime import date

    from hub.domain import analytics
    from hub.ui.admin.overview import _chart

    days = [date(2026, 3, d) for d in range(1, 8)]
    data = analytics.Overview(
        start=days[0], end=days[-1], days=days, series={k: [0] * 7 for k in analytics.METRICS}, totals={}, staff=[]
    )
    options = _chart(data, ["stamps", "cards_issued", "rewards"])
    legend, grid = options["legend"], options["grid"]
    assert legend["bottom"] == 0 and legend["type"] == "scroll"  # one line, scrolling on a phone
    assert grid["containLabel"] and grid["bottom"] >= 36  # the axis labels end above the legend
