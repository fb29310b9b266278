"""Audience segments: progress, last visit, active voucher, birthday month, location, platform."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from hub.domain import segments
from hub.domain.cards import issue_card
from hub.domain.stamps import add_stamp
from hub.domain.vouchers import issue_manual_voucher
from hub.errors import InvalidInput
from hub.models import Card
from tests.factories import make_shop

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


async def test_each_filter_narrows_the_audience_to_the_right_cards(clock_at):
    clock_at(NOW)
    shop = await make_shop()
    b, t = shop.business_id, shop.template.id
    regular = await issue_card(b, t, "Regular", platform="apple", birthday=date(1990, 3, 5))
    lapsed = await issue_card(b, t, "Lapsed", platform="google")
    fresh = await issue_card(b, t, "Fresh")
    for _ in range(3):
        await add_stamp(b, regular.id, seat_id=shop.seat.id, location_id=shop.location.id)
    await Card.filter(id=regular.id).update(last_stamp_at=NOW - timedelta(days=2))
    await Card.filter(id=lapsed.id).update(last_stamp_at=NOW - timedelta(days=60), stamps=6)
    await Card.filter(id=fresh.id).update(created_at=NOW - timedelta(days=1))
    await Card.filter(id=shop.card.id).update(created_at=NOW - timedelta(days=90))
    await issue_manual_voucher(b, lapsed.id, title="Sorry", expires_at=None)

    async def ids(**spec) -> set[int]:
        return {r.card_id for r in await segments.recipients(b, segments.normalize(spec))}

    everyone = {shop.card.id, regular.id, lapsed.id, fresh.id}
    assert await ids() == everyone
    assert await ids(stamps_min=3) == {regular.id, lapsed.id}
    assert await ids(stamps_min=1, stamps_max=4) == {regular.id}
    assert await ids(visited_within_days=7) == {regular.id}
    assert await ids(not_visited_days=30) == {lapsed.id, shop.card.id}
    assert await ids(active_voucher=True) == {lapsed.id}
    assert await ids(active_voucher=False) == everyone - {lapsed.id}
    assert await ids(birthday_month=3) == {regular.id}
    assert await ids(location_id=shop.location.id) == {regular.id}
    assert await ids(platform="google") == {lapsed.id}
    assert await ids(card_ids=[fresh.id]) == {fresh.id}
    assert await ids(platform="apple", stamps_min=1) == {regular.id}


async def test_another_business_location_selects_nobody():
    shop, other = await make_shop(), await make_shop(name="Other")
    assert await segments.recipients(shop.business_id, {"location_id": other.location.id}) == []


def test_a_wrong_filter_is_named():
    with pytest.raises(InvalidInput) as error:
        segments.normalize({"birthday_month": 13})
    assert error.value.detail.get("field") == "birthday_month" or "birthday_month" in str(error.value.as_dict())
    with pytest.raises(InvalidInput):
        segments.normalize({"favourite_colour": "red"})
