"""A believable past for the demo business: customers joining, coming back on their own rhythm
(more on weekends, most at breakfast and lunch), filling cards, redeeming rewards, and a birthday
greeting with a voucher.

Everything goes through the domain functions with the clock set to each historic instant, so
the journal, the analytics and the events are the real ones. Deterministic for a given seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from tortoise.transactions import in_transaction

from hub import clock
from hub.domain import automations, campaigns
from hub.domain.cards import issue_card
from hub.domain.stamps import add_stamp
from hub.domain.vouchers import redeem_voucher
from hub.models import Business, Campaign, CardEvent, Customer, Voucher, VoucherState
from hub.realtime import outbox

FIRST = (
    "Mina Oskar Lena Jonas Sofia Liam Emma Noah Mia Elias Hana Leo Clara Finn Ava Luca Nora Ben Ida Theo Yuna "
    "Malte Ella Paul Jana Max Lotte Jin Aylin Omar Sara Felix Rosa Tariq Ines Karl Greta Ali Maya Erik"
).split()
LAST = "Park Brandt Kim Weber Rossi Novak Meyer Silva Jensen Costa Sato Berg Haas Lee Fischer Moreau Yilmaz".split()
# How often a regular comes in a week: most now and then, a few every day.
RHYTHMS = (0.3, 0.6, 1.0, 1.5, 2.5, 5.0)
RHYTHM_WEIGHTS = (25, 25, 20, 15, 10, 5)
WEEKDAY = (1.0, 0.9, 1.0, 1.0, 1.2, 1.5, 0.8)  # Monday … Sunday


@dataclass(order=True)
class _Action:
    at: datetime
    order: int
    kind: str = field(compare=False)  # "join", "visit" or "birthdays"
    person: int = field(compare=False, default=-1)


@dataclass
class _Person:
    name: str
    email: str | None
    birthday: date | None
    platform: str
    seat: tuple[int, int]  # (seat id, location id) of the counter they usually go to
    card_id: int | None = None
    vouchers: list[Voucher] = field(default_factory=list)  # waiting to be redeemed


def _time_of_day(rng: random.Random) -> time:
    """Breakfast, a lunch peak, a quieter afternoon."""
    centre, spread = rng.choices(((8.5, 0.7), (12.6, 0.6), (16.0, 1.2)), weights=(35, 45, 20))[0]
    hours = min(19.5, max(7.0, rng.gauss(centre, spread)))
    return time(int(hours), int(hours % 1 * 60), rng.randrange(60))


def _people(rng: random.Random, count: int, seats: list[tuple[int, int]], today: date) -> list[_Person]:
    people = []
    for i in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        email = f"{first}.{last}{i}@example.com".lower() if rng.random() < 0.6 else None
        platform = rng.choices(("web", "apple", "google"), weights=(60, 25, 15))[0]
        birthday = None
        if rng.random() < 0.4:
            birthday = date(today.year - rng.randint(18, 70), rng.randint(1, 12), rng.randint(1, 28))
        seat = rng.choices(seats, weights=[3, 2, 2, 1][: len(seats)] or None)[0]
        people.append(_Person(f"{first} {last}", email, birthday, platform, seat))
    return people


def _plan(rng: random.Random, people: list[_Person], days: int, today: date, zone) -> list[_Action]:
    """Joins spread over the period (growing), then each customer's visits at their own rhythm."""
    start = today - timedelta(days=days)
    growth = [(1 + 2 * d / days) * WEEKDAY[(start + timedelta(days=d)).weekday()] for d in range(days)]
    actions: list[_Action] = []
    order = 0

    def at(day: date) -> datetime:
        return datetime.combine(day, _time_of_day(rng), tzinfo=zone)

    for index in range(len(people)):
        joined = rng.choices(range(days), weights=growth)[0]
        rate = rng.choices(RHYTHMS, weights=RHYTHM_WEIGHTS)[0]
        first = at(start + timedelta(days=joined))
        actions.append(_Action(first, order := order + 1, "join", index))
        actions.append(_Action(first + timedelta(seconds=20), order := order + 1, "visit", index))
        for d in range(joined + 1, days):
            day = start + timedelta(days=d)
            if rng.random() < min(0.95, rate / 7 * WEEKDAY[day.weekday()]):
                actions.append(_Action(at(day), order := order + 1, "visit", index))
    for d in range(days):
        day = start + timedelta(days=d)
        actions.append(_Action(datetime.combine(day, time(10, 0), tzinfo=zone), order := order + 1, "birthdays"))
    return sorted(actions)


async def _birthday_automation(business_id: int) -> Campaign:
    current = await automations.automation(business_id, "birthday")
    return await automations.configure(
        business_id,
        "birthday",
        enabled=True,
        subject="Happy birthday, {name}!",
        body="A treat on us today: show this card at the counter.",
        channels=["push"],
        attachment={"type": "voucher", "title": "Birthday cake", "valid_days": 14},
        settings={**(current.settings or {}), "hour": 10},
    )


async def _greet_birthdays(campaign: Campaign, business_id: int, day: date) -> list[Voucher]:
    """One day of the birthday automation, for this business only, sent at once; returns the
    vouchers it gave."""
    born = await Customer.filter(business_id=business_id, birthday__isnull=False).values_list("id", "birthday")
    ids = [cid for cid, birthday in born if automations.birthday_today(birthday, day)]
    if not ids:
        return []
    recipients = await automations.newest_cards(business_id, ids)
    if not await campaigns.insert_deliveries(campaign, recipients, occasion=f"birthday:{day.year}"):
        return []
    transports = campaigns.Transports()
    try:
        await campaigns.send_range(campaign.id, transports=transports)
    finally:
        await transports.close()
    card_ids = [r.card_id for r in recipients]
    return await Voucher.filter(card_id__in=card_ids, source="campaign", state=VoucherState.ACTIVE)


async def seed_history(
    business_id: int,
    template_id: int,
    seats: list[tuple[int, int]],
    *,
    days: int = 90,
    customers: int = 300,
    seed: int = 2026,
) -> dict[str, int]:
    """`days` of history ending yesterday, unless the business already has stamps. Returns counts."""
    if days <= 0 or await CardEvent.exists(business_id=business_id, kind="stamp"):
        return {"customers": 0, "stamps": 0, "redeemed": 0}
    rng = random.Random(seed)
    business = await Business.get(id=business_id)
    zone = clock.zone(business.timezone)
    today = clock.local_today(zone)
    people = _people(rng, customers, seats, today)
    actions = _plan(rng, people, days, today, zone)
    historic = clock.SetClock(actions[0].at - timedelta(minutes=5), frozen=True)
    # One outer transaction: each domain call still commits its own (nested) transaction, but
    # the disk syncs once instead of thousands of times, and a failed seed leaves nothing half-made.
    async with in_transaction():
        counts = await _replay(rng, business_id, template_id, people, actions, historic)
    outbox.committed()
    return {"customers": len(people), **counts}


async def _replay(
    rng: random.Random,
    business_id: int,
    template_id: int,
    people: list[_Person],
    actions: list[_Action],
    historic: clock.SetClock,
) -> dict[str, int]:
    stamps = redeemed = 0
    by_card: dict[int, _Person] = {}
    with clock.use(historic):
        birthday = await _birthday_automation(business_id)
        for action in actions:
            historic.set(action.at)
            if action.kind == "birthdays":
                for voucher in await _greet_birthdays(birthday, business_id, action.at.date()):
                    if voucher.card_id in by_card and voucher not in by_card[voucher.card_id].vouchers:
                        by_card[voucher.card_id].vouchers.append(voucher)
                continue
            person = people[action.person]
            if action.kind == "join":
                card = await issue_card(
                    business_id,
                    template_id,
                    person.name,
                    email=person.email,
                    birthday=person.birthday,
                    marketing_consent=person.email is not None and rng.random() < 0.7,
                    platform=person.platform,
                    joined=True,
                )
                person.card_id = card.id
                by_card[card.id] = person
                continue
            seat_id, location_id = person.seat
            person.vouchers = [v for v in person.vouchers if v.expires_at is None or v.expires_at > action.at]
            if person.vouchers and rng.random() < 0.7:
                await redeem_voucher(business_id, person.vouchers.pop(0), seat_id=seat_id, location_id=location_id)
                redeemed += 1
                historic.set(action.at + timedelta(seconds=30))
            result = await add_stamp(business_id, person.card_id, seat_id=seat_id, location_id=location_id)
            if result.voucher is not None:
                person.vouchers.append(result.voucher)
            stamps += 1
    return {"stamps": stamps, "redeemed": redeemed}
