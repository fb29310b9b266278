"""Owner analytics: totals and daily series over a period, and who stamped how many.

Days are the business's local days (its time zone, daylight saving included).
Everything is aggregated in the database (GROUP BY day), so a year of a busy shop is
a few hundred rows, not every event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from pypika_tortoise import SqlContext
from pypika_tortoise.terms import Function as SqlFunction
from tortoise.expressions import Function
from tortoise.functions import Count, Sum

from hub.clock import day_start, local_today, zone
from hub.models import Business, CardEvent, Location, StaffSeat, Voucher

STAMP_KINDS = ("stamp", "stamp_manual", "stamp_removed", "stamp_undone")
ACTIVITY_KINDS = ("issued", "joined", "stamp", "stamp_manual", "voucher_redeemed")
REWARD_SOURCES = ("card_full", "lottery")
METRICS = {
    "cards_issued": "Cards issued",
    "stamps": "Stamps",
    "rewards": "Rewards earned",
    "redeemed": "Vouchers redeemed",
    "active_customers": "Active customers",
}


class _LocalDaySql(SqlFunction):
    def __init__(self, term: Any, spans: tuple[tuple[str, int], ...], alias: str | None = None) -> None:
        super().__init__("DATE", term, alias=alias)
        self.spans = spans

    def get_function_sql(self, ctx: SqlContext) -> str:
        # The zone's offset is a CASE over the period's offset spans (generated here, never
        # user text): exact across daylight saving changes, and the same in either dialect.
        arg = self.get_arg_sql(self.args[0], ctx)
        postgres = ctx.dialect.value == "postgresql"

        def shift(seconds: int) -> str:
            return f"INTERVAL '{seconds} seconds'" if postgres else f"'{seconds:+d} seconds'"

        changes = " ".join(
            f"WHEN {arg} < '{begins}' THEN {shift(before)}"
            for (begins, _), (_, before) in zip(self.spans[1:], self.spans[:-1], strict=True)
        )
        offset = f"CASE {changes} ELSE {shift(self.spans[-1][1])} END" if changes else shift(self.spans[-1][1])
        if postgres:
            return f"DATE(TIMEZONE('UTC', {arg}) + {offset})"
        return f"DATE({arg}, {offset})"  # SQLite stores ISO text in UTC


class LocalDay(Function):
    database_func = _LocalDaySql

    def __init__(self, field: str, spans: tuple[tuple[str, int], ...]) -> None:
        super().__init__(field, spans)


def offset_spans(tz: tzinfo, since: datetime, until: datetime) -> tuple[tuple[str, int], ...]:
    """The zone's UTC offsets over [since, until) as (begins, seconds): the first begins at
    `since`, each next one at a daylight saving change (found to the quarter hour)."""

    def offset(at: datetime) -> int:
        return int(at.astimezone(tz).utcoffset().total_seconds())

    def literal(at: datetime) -> str:
        return at.astimezone(UTC).isoformat(" ")

    spans = [(literal(since), offset(since))]
    day = since
    while day < until:
        following = min(day + timedelta(days=1), until)
        at = day
        while offset(following) != spans[-1][1] and at < following:
            at += timedelta(minutes=15)
            if offset(at) != spans[-1][1]:
                spans.append((literal(at), offset(at)))
        day = following
    return tuple(spans)


@dataclass
class StaffRow:
    location: str
    seat: str
    stamps: int
    redeemed: int
    revoked: bool = False


@dataclass
class Overview:
    start: date
    end: date  # inclusive
    days: list[date]
    totals: dict[str, int]
    series: dict[str, list[int]]
    staff: list[StaffRow]


def period(days: int, tz: tzinfo = UTC) -> tuple[date, date]:
    """The last `days` days up to and including today, in the business's time zone."""
    today = local_today(tz)
    return today - timedelta(days=days - 1), today


def _bounds(start: date, end: date, tz: tzinfo) -> tuple[datetime, datetime]:
    return day_start(start, tz), day_start(end + timedelta(days=1), tz)


async def _zone_of(business_id: int) -> tzinfo:
    name = await Business.filter(id=business_id).first().values_list("timezone", flat=True)
    return zone(name)


async def recent(business_id: int, days: int) -> Overview:
    """The overview of the last `days` local days, today included."""
    tz = await _zone_of(business_id)
    return await overview(business_id, *period(days, tz), tz=tz)


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


async def events_per_local_day(
    business_id: int, kinds: tuple[str, ...], start: date, end: date, tz: tzinfo
) -> list[int]:
    """Journal rows of `kinds` per local day from `start` to `end`, both included, counted by the
    database in the business's time zone."""
    since, until = _bounds(start, end, tz)
    spans = offset_spans(tz, since, until)
    counts = [0] * ((end - start).days + 1)
    rows = await (
        CardEvent.filter(business_id=business_id, kind__in=kinds, created_at__gte=since, created_at__lt=until)
        .annotate(day=LocalDay("created_at", spans), n=Count("id"))
        .group_by("day")
        .values("day", "n")
    )
    for row in rows:
        offset = (_as_date(row["day"]) - start).days
        if 0 <= offset < len(counts):
            counts[offset] += row["n"]
    return counts


async def overview(business_id: int, start: date, end: date, *, tz: tzinfo | None = None) -> Overview:
    """Local days `start` to `end`, both included."""
    tz = tz or await _zone_of(business_id)
    since, until = _bounds(start, end, tz)
    spans = offset_spans(tz, since, until)
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    index = {day: i for i, day in enumerate(days)}
    series = {key: [0] * len(days) for key in METRICS}
    events = CardEvent.filter(business_id=business_id, created_at__gte=since, created_at__lt=until)

    by_kind = await (
        events.annotate(day=LocalDay("created_at", spans), n=Count("id"), total=Sum("delta"))
        .group_by("day", "kind")
        .values("day", "kind", "n", "total")
    )
    for row in by_kind:
        i = index.get(_as_date(row["day"]))
        if i is None:
            continue
        if row["kind"] in ("issued", "joined"):
            series["cards_issued"][i] += row["n"]
        elif row["kind"] in STAMP_KINDS:
            series["stamps"][i] += int(row["total"] or 0)
        elif row["kind"] == "voucher_redeemed":
            series["redeemed"][i] += row["n"]

    rewards = await (
        Voucher.filter(business_id=business_id, source__in=REWARD_SOURCES, created_at__gte=since, created_at__lt=until)
        .annotate(day=LocalDay("created_at", spans), n=Count("id"))
        .group_by("day")
        .values("day", "n")
    )
    for row in rewards:
        if (i := index.get(_as_date(row["day"]))) is not None:
            series["rewards"][i] += row["n"]

    active = events.filter(kind__in=ACTIVITY_KINDS)
    per_day = await (
        active.annotate(day=LocalDay("created_at", spans), n=Count("customer_id", distinct=True))
        .group_by("day")
        .values("day", "n")
    )
    for row in per_day:
        if (i := index.get(_as_date(row["day"]))) is not None:
            series["active_customers"][i] = row["n"]

    totals = {key: sum(values) for key, values in series.items()}
    totals["active_customers"] = (await active.annotate(n=Count("customer_id", distinct=True)).first().values("n"))[
        "n"
    ] or 0
    return Overview(start, end, days, totals, series, await staff_table(business_id, since, until))


async def staff_table(business_id: int, since: datetime, until: datetime) -> list[StaffRow]:
    """Stamps and redemptions per location and seat; seats with nothing yet show zeros."""
    counts = await (
        CardEvent.filter(
            business_id=business_id,
            created_at__gte=since,
            created_at__lt=until,
            kind__in=("stamp", "stamp_undone", "voucher_redeemed"),
        )
        .annotate(n=Count("id"), total=Sum("delta"))
        .group_by("location_id", "seat_id", "kind")
        .values("location_id", "seat_id", "kind", "n", "total")
    )
    locations = {loc.id: loc.name for loc in await Location.filter(business_id=business_id)}
    seats = {seat.id: seat for seat in await StaffSeat.filter(business_id=business_id)}
    table: dict[tuple[int | None, int | None], dict[str, int]] = {
        (seat.location_id, seat.id): {"stamp": 0, "voucher_redeemed": 0} for seat in seats.values()
    }
    for row in counts:
        key = (row["location_id"], row["seat_id"])
        if key[1] in seats and key[0] is None:
            key = (seats[key[1]].location_id, key[1])
        # A visit may give several stamps (a receipt): stamps count by their delta, redemptions by row.
        given = row["n"] if row["kind"] == "voucher_redeemed" else int(row["total"] or 0)
        # A stamp undone at the counter (a negative delta) takes its seat's stamp back.
        column = "voucher_redeemed" if row["kind"] == "voucher_redeemed" else "stamp"
        table.setdefault(key, {"stamp": 0, "voucher_redeemed": 0})[column] += given
    rows = []
    for (location_id, seat_id), n in table.items():
        seat = seats.get(seat_id) if seat_id else None
        rows.append(
            StaffRow(
                location=locations.get(location_id, "—") if location_id else "—",
                seat=seat.name if seat else "API, kiosk or owner",
                stamps=n["stamp"],
                redeemed=n["voucher_redeemed"],
                revoked=bool(seat and seat.revoked_at),
            )
        )
    rows.sort(key=lambda r: (r.location, -r.stamps, r.seat))
    return rows
