"""Birthday and win-back fire on the customer's local day, once; post-purchase once per visit day."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hub.domain import automations, campaigns
from hub.domain.cards import issue_card
from hub.models import Campaign, CampaignDelivery, Card, Voucher
from tests.campaigns.conftest import make_audience, send


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


async def birthday_shop(timezone: str):
    audience = await make_audience(0, timezone=timezone)
    shop = audience.shop
    people = {}
    for name, born in (
        ("Tomorrow Seoul", date(1990, 11, 24)),
        ("Today UTC", date(1985, 11, 23)),
        ("Leapling", date(2000, 2, 29)),
    ):
        people[name] = await issue_card(
            shop.business_id,
            shop.template.id,
            name,
            birthday=born,
            email=f"{name[:5]}-{shop.business_id}@x.test",
            marketing_consent=True,
        )
    await automations.configure(
        shop.business_id,
        "birthday",
        enabled=True,
        subject="Happy birthday {first_name}",
        body="A treat awaits.",
        channels=["email"],
        settings={"hour": 0},
        attachment={"type": "voucher", "title": "Birthday cake", "valid_days": 10},
    )
    return shop, people


async def greeted(campaign: Campaign) -> set[int]:
    return set(await CampaignDelivery.filter(campaign_id=campaign.id).values_list("card_id", flat=True))


async def test_birthday_fires_on_the_local_day_across_the_date_line_and_only_once(smtp, clock_at):
    clock = clock_at(at("2026-11-23T14:00:00"))
    shop, people = await birthday_shop("Asia/Seoul")
    campaign = await automations.automation(shop.business_id, "birthday")
    # 23:30 in Seoul on the 23rd (14:30 UTC): the 23rd's birthday, not yet the 24th's.
    clock.set(at("2026-11-23T14:30:00"))
    await automations.run_birthdays()
    assert await greeted(campaign) == {people["Today UTC"].id}
    # 00:30 in Seoul on the 24th, still the 23rd in UTC: now the 24th's birthday.
    clock.set(at("2026-11-23T15:30:00"))
    await automations.run_birthdays()
    assert await greeted(campaign) == {people["Today UTC"].id, people["Tomorrow Seoul"].id}
    # Ticks later that day, and a tick that lost its memory of running, add nothing.
    clock.set(at("2026-11-24T02:00:00"))
    await automations.run_birthdays()
    await Campaign.filter(id=campaign.id).update(settings={"hour": 0})
    clock.set(at("2026-11-23T16:00:00"))
    await automations.run_birthdays()
    assert await CampaignDelivery.filter(campaign_id=campaign.id).count() == 2
    summary = await send(campaign.id)
    assert summary.delivered == 2
    assert len(smtp.to(f"Tomor-{shop.business_id}@x.test".lower())) == 1
    assert await Voucher.filter(card_id=people["Tomorrow Seoul"].id, source="campaign").count() == 1
    # Next year is a new occasion.
    clock.set(at("2027-11-23T16:00:00"))
    await automations.run_birthdays()
    assert await CampaignDelivery.filter(campaign_id=campaign.id, card_id=people["Tomorrow Seoul"].id).count() == 2
    # 29 February is celebrated on the 28th in a common year.
    clock.set(at("2027-02-28T01:00:00"))
    await automations.run_birthdays()
    assert people["Leapling"].id in await greeted(campaign)


async def test_birthday_waits_for_the_local_hour(smtp, clock_at):
    clock = clock_at(at("2026-11-23T15:00:00"))
    shop, people = await birthday_shop("America/Los_Angeles")
    campaign = await automations.configure(
        shop.business_id,
        "birthday",
        enabled=True,
        subject="Hi",
        body="Happy birthday",
        channels=["push"],
        settings={"hour": 9},
    )
    # 08:00 on the 23rd in Los Angeles (16:00 UTC): too early.
    clock.set(at("2026-11-23T16:00:00"))
    await automations.run_birthdays()
    assert await greeted(campaign) == set()
    # 09:00 there (17:00 UTC).
    clock.set(at("2026-11-23T17:00:00"))
    await automations.run_birthdays()
    assert await greeted(campaign) == {people["Today UTC"].id}


async def test_winback_fires_on_the_nth_local_day_once_per_lapse(smtp, clock_at):
    clock = clock_at(at("2026-10-01T00:00:00"))
    audience = await make_audience(2, timezone="Asia/Seoul")
    shop, (late, early) = audience.shop, audience.cards
    await Card.filter(business_id=shop.business_id).update(created_at=at("2026-10-01T00:00:00"))
    # Both visited on 1 November UTC; in Seoul one was late on the 1st, the other early on the 2nd.
    await Card.filter(id=late.id).update(last_stamp_at=at("2026-11-01T14:30:00"))
    await Card.filter(id=early.id).update(last_stamp_at=at("2026-11-01T15:30:00"))
    await Card.filter(id=shop.card.id).update(last_stamp_at=at("2026-11-14T00:00:00"))
    campaign = await automations.configure(
        shop.business_id,
        "winback",
        enabled=True,
        subject="We miss you",
        body="Come back, {first_name}",
        channels=["email"],
        settings={"days": 14, "hour": 10},
    )
    clock.set(at("2026-11-15T00:30:00"))
    await automations.run_winbacks()  # 09:30 in Seoul: before the hour
    assert await greeted(campaign) == set()
    clock.set(at("2026-11-15T01:00:00"))
    await automations.run_winbacks()  # 10:00 on the 15th in Seoul
    assert await greeted(campaign) == {late.id}
    clock.set(at("2026-11-16T01:00:00"))
    await automations.run_winbacks()
    assert await greeted(campaign) == {late.id, early.id}
    clock.set(at("2026-11-20T01:00:00"))
    await automations.run_winbacks()
    assert await CampaignDelivery.filter(campaign_id=campaign.id).count() == 2
    summary = await send(campaign.id)
    assert summary.delivered == 2 and len(smtp.to(audience.emails[0])) == 1
    # A new visit, then a new lapse: a second win-back, and only one.
    await Card.filter(id=late.id).update(last_stamp_at=at("2026-11-21T03:00:00"))
    clock.set(at("2026-12-05T01:00:00"))
    await automations.run_winbacks()
    clock.set(at("2026-12-06T01:00:00"))
    await automations.run_winbacks()
    assert await CampaignDelivery.filter(campaign_id=campaign.id, card_id=late.id).count() == 2


async def test_post_purchase_thanks_once_per_visit_and_respects_the_pause_between(smtp, clock_at):
    clock = clock_at(at("2026-11-23T10:00:00"))
    audience = await make_audience(1)
    shop, card = audience.shop, audience.cards[0]
    campaign = await automations.configure(
        shop.business_id,
        "post_purchase",
        enabled=True,
        subject="Thanks",
        body="See you soon",
        channels=["push"],
        settings={"delay_minutes": 0, "every_days": 7, "on": ["stamp"]},
    )
    events = [
        {"type": "card.stamped", "business_id": shop.business_id, "card_id": card.id, "event_id": 1},
        {"type": "voucher.redeemed", "business_id": shop.business_id, "card_id": card.id, "event_id": 2},
    ]
    assert await automations.post_purchase_triggers(events) == [(shop.business_id, card.id, "stamp", 0)]
    assert await automations.fire_post_purchase(shop.business_id, card.id, "stamp") == campaign.id
    assert await automations.fire_post_purchase(shop.business_id, card.id, "stamp") is None
    clock.advance(days=3)
    assert await automations.fire_post_purchase(shop.business_id, card.id, "stamp") is None
    clock.advance(days=5)
    assert await automations.fire_post_purchase(shop.business_id, card.id, "stamp") == campaign.id
    summary = await send(campaign.id)
    assert summary.delivered == 2
    stats = await campaigns.stats(campaign.id)
    assert stats["channels"]["push"]["delivered"] == 2
