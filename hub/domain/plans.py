"""Plans, and the one definition of a "card operation" that plans meter.

A card operation is a stamp, a voucher redemption or a card the business issued
(OPERATION_KINDS, the journal kinds that record them). A card a customer joined for on the
public join page is not one: anyone can open that page, so a script could otherwise spend a
shop's month before its first real stamp; the customer's stamps count as usual. Every plan
meters operations per business per calendar month from the journal. The Free plan's
100-a-month limit is enforced by one conditional UPDATE on the business row inside the
operation's transaction, so twenty operations arriving at once at the limit cannot overshoot
it, and a new month resets the meter by itself.

Redemptions are counted but never refused: a reward a customer has earned stays
redeemable, whatever the shop's plan. At the limit a customer sees their card as it is; the
scanner refuses the stamp with the reason and an upgrade hint for staff.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Case, F, Q, When

from hub.clock import day_start, local_today, utcnow, zone
from hub.domain.analytics import events_per_local_day
from hub.errors import DomainError
from hub.models import Business, CardEvent, Location, StaffSeat

OPERATION_KINDS = ("stamp", "voucher_redeemed", "issued")


@dataclass(frozen=True)
class Plan:
    key: str
    name: str
    price_cents: int
    period: str | None  # "month" | "year" | None (free)
    monthly_operations: int | None  # None: unlimited
    seats: int | None  # None: unlimited
    per_location: bool


PLANS = {
    "free": Plan("free", "Free Forever", 0, None, 100, 1, False),
    "monthly": Plan("monthly", "Monthly", 2900, "month", None, None, True),
    "yearly": Plan("yearly", "Yearly", 29000, "year", None, None, True),
}


class PlanLimitReached(DomainError):
    code = "plan_limit"
    status = 402
    message = "The Free plan's 100 card operations for this month are used up. Upgrade in Billing to continue."


def plan_of(business: Business) -> Plan:
    return PLANS.get(business.plan, PLANS["free"])


def month_key(now: datetime, tz: str | None) -> str:
    """The business's billing month: its own calendar month, in its time zone."""
    return local_today(tz, now).strftime("%Y-%m")


def month_start(now: datetime, tz: str | None) -> datetime:
    """The UTC instant the business's current local month began."""
    return day_start(local_today(tz, now).replace(day=1), tz)


async def count_operation(
    conn: BaseDBAsyncClient,
    business_id: int,
    *,
    enforce: bool = True,
    business: Business | None = None,
) -> None:
    """Meter one card operation inside the caller's transaction; raises PlanLimitReached.

    Paid plans skip the gate (no hot row); their usage is read from the journal. A caller that
    read the business row in this transaction already passes it as `business`.
    """
    now = utcnow()
    if business is None:
        business = await Business.get(id=business_id).using_db(conn)
    plan = plan_of(business)
    if plan.monthly_operations is None:
        return
    month = month_key(now, business.timezone)
    within = Q(id=business_id) & (~Q(ops_month=month) | Q(ops_count__lt=plan.monthly_operations))
    if not enforce:
        within = Q(id=business_id)
    changed = (
        await Business.filter(within)
        .using_db(conn)
        .update(
            ops_count=Case(When(ops_month=month, then=F("ops_count") + 1), default=1),
            ops_month=month,
        )
    )
    if not changed:
        raise PlanLimitReached(limit=plan.monthly_operations, month=month)


async def usage(business_id: int) -> int:
    """Card operations this local calendar month, from the journal."""
    tz = await Business.filter(id=business_id).first().values_list("timezone", flat=True)
    return await CardEvent.filter(
        business_id=business_id, kind__in=OPERATION_KINDS, created_at__gte=month_start(utcnow(), tz)
    ).count()


async def daily_operations(business_id: int) -> list[tuple[date, int]]:
    """Card operations per local day of this local month, today included (the billing chart)."""
    tz = zone(await Business.filter(id=business_id).first().values_list("timezone", flat=True))
    today = local_today(tz)
    first = today.replace(day=1)
    counts = await events_per_local_day(business_id, OPERATION_KINDS, first, today, tz)
    return [(first + timedelta(days=i), count) for i, count in enumerate(counts)]


async def check_new_seat(business_id: int) -> None:
    business = await Business.get(id=business_id)
    plan = plan_of(business)
    seats = await StaffSeat.filter(business_id=business_id, revoked_at=None).count()
    if plan.seats is not None and seats >= plan.seats:
        raise PlanLimitReached(
            f"{plan.name} includes {plan.seats} staff seat. Upgrade to Monthly or Yearly to add more.",
            limit=plan.seats,
        )


async def billable_locations(business_id: int) -> int:
    return max(1, await Location.filter(business_id=business_id).count())


async def price_cents(business: Business) -> int:
    plan = plan_of(business)
    return plan.price_cents * (await billable_locations(business.id) if plan.per_location else 1)
