"""The issued-cards list ("User Stamp Cards"): filtered, searched and paged in the database.

Every query starts from the business id, so a card of another business can never
appear, whatever the filter. Paging is by offset over `card.id` descending, served by
the `(business_id, id) WHERE deleted_at IS NULL` index from migration 2.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from tortoise.expressions import Q, RawSQL, Subquery
from tortoise.queryset import QuerySet

from hub.clock import utcnow
from hub.db import dialect
from hub.errors import InvalidInput, NotFound
from hub.models import Card, CardEvent, CardTemplate, CardTemplateVersion, Customer, Voucher, VoucherState

PLATFORMS = ("web", "apple", "google")
PROGRESS = {
    "new": "No stamps yet",
    "started": "Collecting",
    "one_to_go": "One stamp to go",
    "rewarded": "Earned a reward",
}
LIVE_VOUCHER = (VoucherState.ISSUED, VoucherState.ACTIVE)
MAX_PAGE_SIZE = 200
EXPORT_LIMIT = 200_000


@dataclass(frozen=True)
class CardFilter:
    search: str = ""
    platform: str | None = None
    progress: str | None = None
    active_voucher: bool | None = None
    last_stamp_after: date | None = None
    last_stamp_before: date | None = None
    location_id: int | None = None
    template_id: int | None = None


@dataclass
class CardRow:
    id: int
    number: int
    name: str
    email: str | None
    stamps: int
    stamps_required: int
    platforms: list[str]
    template_id: int
    template_version: int
    created_at: datetime
    last_stamp_at: datetime | None
    rounds_completed: int

    @property
    def percent(self) -> int:
        return round(100 * self.stamps / self.stamps_required) if self.stamps_required else 0


@dataclass
class CardPage:
    rows: list[CardRow]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


@dataclass
class CardDetail:
    card: Card
    customer: Customer
    template: CardTemplate
    version_snapshot: dict[str, Any]
    active_vouchers: list[Voucher] = field(default_factory=list)

    @property
    def percent(self) -> int:
        required = self.template.stamps_required
        return round(100 * self.card.stamps / required) if required else 0


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _platform_clause(platform: str) -> Q | RawSQL:
    if platform not in PLATFORMS:
        raise InvalidInput("Unknown wallet.", field="platform")
    if dialect() == "postgres":
        return Q(platforms__contains=[platform])
    # SQLite keeps the JSON list as text; the value is from a fixed list, never user text.
    return RawSQL(f"""instr("card"."platforms", '"{platform}"')""")


async def _query(business_id: int, flt: CardFilter) -> QuerySet[Card]:
    query = Card.filter(business_id=business_id, deleted_at=None)
    if flt.template_id:
        query = query.filter(template_id=flt.template_id)
    clause = _platform_clause(flt.platform) if flt.platform else None
    if isinstance(clause, Q):
        query = query.filter(clause)
    elif clause is not None:
        query = query.annotate(on_platform=clause).filter(on_platform__gt=0)
    if flt.progress:
        query = await _progress(query, business_id, flt.progress)
    if flt.active_voucher is not None:
        live = Voucher.filter(business_id=business_id, state__in=LIVE_VOUCHER).filter(
            Q(expires_at=None) | Q(expires_at__gt=utcnow())
        )
        inner = Subquery(live.values("card_id"))
        query = query.filter(id__in=inner) if flt.active_voucher else query.exclude(id__in=inner)
    if flt.last_stamp_after:
        query = query.filter(last_stamp_at__gte=_day_start(flt.last_stamp_after))
    if flt.last_stamp_before:
        query = query.filter(last_stamp_at__lt=_day_start(flt.last_stamp_before + timedelta(days=1)))
    if flt.location_id:
        stamped_there = CardEvent.filter(business_id=business_id, location_id=flt.location_id)
        query = query.filter(id__in=Subquery(stamped_there.values("card_id")))
    return await _search(query, business_id, flt.search)


async def _progress(query: QuerySet[Card], business_id: int, progress: str) -> QuerySet[Card]:
    if progress == "new":
        return query.filter(stamps=0, rounds_completed=0)
    if progress == "started":
        return query.filter(stamps__gt=0)
    if progress == "rewarded":
        return query.filter(rounds_completed__gt=0)
    if progress == "one_to_go":
        # A business has a handful of templates: one indexed equality per template beats
        # joining every card to its template.
        needed = await CardTemplate.filter(business_id=business_id).values_list("id", "stamps_required")
        clauses = [Q(template_id=tid, stamps=required - 1) for tid, required in needed if required > 1]
        return query.filter(Q(*clauses, join_type="OR")) if clauses else query.filter(id=-1)
    raise InvalidInput("Unknown progress filter.", field="progress")


SEARCH_LIST_LIMIT = 500


async def _search(query: QuerySet[Card], business_id: int, text: str) -> QuerySet[Card]:
    """A card ID finds that card; an email finds its holder; anything else searches names.

    IDs and emails are exact matches on indexed columns; only a name search scans the
    business's customers (`LIKE '%…%'`).
    """
    text = (text or "").strip().lstrip("#").strip()
    if not text:
        return query
    if text.isdigit():
        return query.filter(number=int(text)) if len(text) <= 9 else query.filter(id=-1)
    if "@" in text:
        # Email alone, so the email index is used; the card query keeps the business scope.
        holders = Customer.filter(email=text.lower())
    else:
        holders = Customer.filter(business_id=business_id, name__icontains=text)
    # A short list of customer ids goes in literally, so the card lookup uses the customer
    # index; SQLite's planner would otherwise walk every card of the business.
    ids = await holders.limit(SEARCH_LIST_LIMIT + 1).values_list("id", flat=True)
    if len(ids) <= SEARCH_LIST_LIMIT:
        return query.filter(customer_id__in=ids) if ids else query.filter(id=-1)
    return query.filter(customer_id__in=Subquery(holders.values("id")))


_FIELDS = (
    "id",
    "number",
    "customer__name",
    "customer__email",
    "stamps",
    "template__stamps_required",
    "platforms",
    "template_id",
    "template_version",
    "created_at",
    "last_stamp_at",
    "rounds_completed",
)


def _row(values: dict[str, Any]) -> CardRow:
    platforms = values["platforms"]
    if isinstance(platforms, str):  # values() skips JSON decoding on some backends
        platforms = json.loads(platforms)
    return CardRow(
        id=values["id"],
        number=values["number"],
        name=values["customer__name"],
        email=values["customer__email"],
        stamps=values["stamps"],
        stamps_required=values["template__stamps_required"],
        platforms=list(platforms or []),
        template_id=values["template_id"],
        template_version=values["template_version"],
        created_at=values["created_at"],
        last_stamp_at=values["last_stamp_at"],
        rounds_completed=values["rounds_completed"],
    )


async def list_cards(business_id: int, flt: CardFilter, *, page: int = 1, page_size: int = 25) -> CardPage:
    """One page of the business's cards, newest first, and the total matching the filter."""
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    page = max(1, page)
    query = await _query(business_id, flt)
    total = await query.count()
    values = await query.order_by("-id").offset((page - 1) * page_size).limit(page_size).values(*_FIELDS)
    return CardPage([_row(v) for v in values], total, page, page_size)


async def card_detail(business_id: int, card_id: int) -> CardDetail:
    card = await Card.get_or_none(id=card_id, business_id=business_id, deleted_at=None)
    if card is None:
        raise NotFound("No such card.")
    customer = await Customer.get(id=card.customer_id)
    template = await CardTemplate.get(id=card.template_id)
    version = await CardTemplateVersion.get_or_none(template_id=template.id, version=card.template_version)
    vouchers = await Voucher.filter(card_id=card.id, state__in=LIVE_VOUCHER).order_by("-id")
    live = [v for v in vouchers if v.expires_at is None or v.expires_at > utcnow()]
    return CardDetail(card, customer, template, version.snapshot if version else {}, live)


async def history(business_id: int, card_id: int) -> list[CardEvent]:
    """The card's full event log, newest first."""
    if not await Card.exists(id=card_id, business_id=business_id):
        raise NotFound("No such card.")
    return (
        await CardEvent.filter(business_id=business_id, card_id=card_id)
        .order_by("-id")
        .prefetch_related("seat", "location")
    )


CSV_COLUMNS = [
    "card_number",
    "name",
    "email",
    "stamps",
    "stamps_required",
    "rewards_earned",
    "platforms",
    "template_id",
    "template_version",
    "created_at",
    "last_stamp_at",
]


async def export_csv(business_id: int, flt: CardFilter) -> str:
    """Every card matching the filter as CSV (not just the page on screen)."""
    query = await _query(business_id, flt)
    values = await query.order_by("-id").limit(EXPORT_LIMIT).values(*_FIELDS)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in map(_row, values):
        writer.writerow(
            [
                row.number,
                _safe_cell(row.name),
                _safe_cell(row.email or ""),
                row.stamps,
                row.stamps_required,
                row.rounds_completed,
                " ".join(row.platforms),
                row.template_id,
                row.template_version,
                row.created_at.isoformat(),
                row.last_stamp_at.isoformat() if row.last_stamp_at else "",
            ]
        )
    return out.getvalue()


def _safe_cell(text: str) -> str:
    # A customer-typed name starting with = + - @ would run as a formula in a spreadsheet.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
