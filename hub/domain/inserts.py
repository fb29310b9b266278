"""Delivery inserts: printable one-time QR codes that give a stamp or a lottery draw, no staff present.

A code is `I.<code id>.<mac>`, signed with SECRET_KEY like card codes, so a guessed or
mistyped one is refused before any lookup; its QR holds `<public url>/i/<code>`, which the
customer opens with the phone camera. A code works once: a stamp carries the idempotency
key `insert:<code id>` (unique per business in the journal), a lottery draw claims the
code row in the draw's own transaction.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from PIL import Image, ImageDraw
from tortoise.transactions import in_transaction

from hub.clock import utcnow
from hub.domain import lottery
from hub.domain.locks import lock_card
from hub.domain.outcomes import ScanResult
from hub.domain.stamps import add_stamp
from hub.errors import ForeignCard, ForgedCode, IdempotencyReplay, InvalidInput, MalformedCode, NotFound
from hub.i18n import N_, Lang
from hub.models import Business, Card, CardTemplate, InsertBatch, InsertCode, LotteryDraw, PrizePool
from hub.pdf import image_pdf
from hub.realtime import outbox
from hub.render import colours, qr, text

KINDS = ("stamp", "lottery")
MAX_BATCH = 2000
_CODE = re.compile(r"^I\.(\d{1,12})\.([A-Z2-7]{16})$")

ClaimOutcome = Literal["stamped", "reward", "lottery", "rejected"]

CLAIM_REASONS = {
    "already_used": "This code was already used{used_at}. Each code works once.",
    "insert_expired": "This code expired on {expires_at}.",
    "other_card": "This code is for another stamp card.",
    "cooldown": "Your card was stamped moments ago. Open this link again in {retry_after} s.",
    "daily_cap": "Daily limit reached: {cap} stamps per day. Open this link again tomorrow.",
    "receipt_used": "This receipt already gave its stamp{used_at}.",
    "stale_receipt": "This receipt is too old: receipts count for {max_age_hours} hours.",
    "future_receipt": "This receipt's time is in the future. Check the register's clock.",
    "below_minimum": "Receipts from {min_amount} earn a stamp.",
    "key_revoked": "This receipt's code was made with a retired key. Ask the shop.",
    "no_prize_pool": "This lottery is not set up yet. Ask the shop.",
}


@dataclass
class Claim:
    """What opening an insert or receipt link came to. Rejections are outcomes with a reason."""

    outcome: ClaimOutcome
    card: Card | None = None
    reason: str | None = None
    stamps: int = 0
    result: ScanResult | None = None
    draw: LotteryDraw | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        if self.reason:
            return CLAIM_REASONS.get(self.reason, self.reason).format(**self.detail)
        if self.outcome == "lottery":
            return "Your lottery draw is on your card. Watch it spin!"
        if self.result is not None and self.stamps <= 1:
            return self.result.message
        return f"{self.stamps} stamps added."

    def as_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "reason": self.reason,
            "message": self.message,
            "stamps": self.stamps,
            "card_number": self.card.number if self.card else None,
            "draw_id": self.draw.id if self.draw else None,
            "detail": self.detail,
        }


# --- Codes -------------------------------------------------------------------------------


def _mac(secret: bytes, code_id: int) -> str:
    digest = hmac.new(secret, f"I.{code_id}".encode(), hashlib.sha256).digest()[:10]
    return base64.b32encode(digest).decode()


def insert_code(secret: bytes, code_id: int) -> str:
    return f"I.{code_id}.{_mac(secret, code_id)}"


def insert_url(public_url: str, secret: bytes, code_id: int) -> str:
    return f"{public_url.rstrip('/')}/i/{insert_code(secret, code_id)}"


def parse_insert_code(secret: bytes, raw: str) -> int:
    """The code id; raises MalformedCode or ForgedCode before anything is looked up."""
    match = _CODE.match((raw or "").strip().upper())
    if not match:
        raise MalformedCode("That is not a Stamphub insert code.")
    code_id, mac = match.groups()
    if not hmac.compare_digest(mac, _mac(secret, int(code_id))):
        raise ForgedCode()
    return int(code_id)


# --- Batches -----------------------------------------------------------------------------


async def create_batch(
    business_id: int,
    template_id: int,
    *,
    name: str,
    size: int,
    kind: str = "stamp",
    pool_id: int | None = None,
    expires_at: datetime | None = None,
) -> InsertBatch:
    """A batch of `size` unused codes for the template's card; a lottery batch names its prize pool."""
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise InvalidInput("Give the batch a name (up to 120 characters).", field="name")
    if not 1 <= size <= MAX_BATCH:
        raise InvalidInput(f"A batch has between 1 and {MAX_BATCH} codes.", field="size")
    if kind not in KINDS:
        raise InvalidInput("An insert gives a stamp or a lottery draw.", field="kind")
    if expires_at is not None and expires_at <= utcnow():
        raise InvalidInput("The expiry must be in the future.", field="expires_at")
    if not await CardTemplate.exists(id=template_id, business_id=business_id):
        raise NotFound("No such stamp card.", field="template_id")
    if kind == "lottery":
        if pool_id is None or not await PrizePool.exists(id=pool_id, business_id=business_id, archived_at__isnull=True):
            raise InvalidInput("Choose a prize pool for a lottery insert.", field="pool_id")
    else:
        pool_id = None
    async with in_transaction() as conn:
        batch = await InsertBatch.create(
            business_id=business_id,
            template_id=template_id,
            name=name,
            kind=kind,
            pool_id=pool_id,
            size=size,
            expires_at=expires_at,
            using_db=conn,
        )
        await InsertCode.bulk_create(
            [InsertCode(batch_id=batch.id, business_id=business_id) for _ in range(size)], using_db=conn
        )
    return batch


async def get_batch(business_id: int, batch_id: int) -> InsertBatch:
    batch = await InsertBatch.get_or_none(id=batch_id, business_id=business_id)
    if batch is None:
        raise NotFound("No such insert batch.")
    return batch


async def batch_stats(batch: InsertBatch) -> dict[str, Any]:
    """Printed, used, and conversion (used / printed); `new_cards` counts cards issued after the batch."""
    used = await InsertCode.filter(batch_id=batch.id, used_at__isnull=False).count()
    card_ids = await InsertCode.filter(batch_id=batch.id, card_id__isnull=False).values_list("card_id", flat=True)
    new_cards = await Card.filter(id__in=list(card_ids), created_at__gte=batch.created_at).count() if card_ids else 0
    return {
        "id": batch.id,
        "name": batch.name,
        "kind": batch.kind,
        "template_id": batch.template_id,
        "pool_id": batch.pool_id,
        "printed": batch.size,
        "used": used,
        "new_cards": new_cards,
        "conversion": round(used / batch.size, 4) if batch.size else 0.0,
        "expires_at": batch.expires_at.isoformat() if batch.expires_at else None,
        "created_at": batch.created_at.isoformat(),
    }


async def list_batches(business_id: int) -> list[dict[str, Any]]:
    return [await batch_stats(b) for b in await InsertBatch.filter(business_id=business_id).order_by("-id")]


async def batch_urls(batch: InsertBatch, secret: bytes, public_url: str) -> list[str]:
    ids = await InsertCode.filter(batch_id=batch.id).order_by("id").values_list("id", flat=True)
    return [insert_url(public_url, secret, code_id) for code_id in ids]


# --- Using a code ------------------------------------------------------------------------


async def lookup(secret: bytes, raw: str) -> tuple[InsertCode, InsertBatch]:
    """The code and its batch, for the page deciding whether the customer must join first."""
    code = await InsertCode.get_or_none(id=parse_insert_code(secret, raw))
    if code is None:
        raise NotFound("This code does not exist.")
    return code, await InsertBatch.get(id=code.batch_id)


def _used(code: InsertCode) -> Claim:
    when = f" on {code.used_at:%Y-%m-%d %H:%M} UTC" if code.used_at else ""
    return Claim("rejected", reason="already_used", detail={"used_at": when})


async def _mark_used(code: InsertCode, card: Card, now: datetime) -> None:
    await InsertCode.filter(id=code.id, used_at__isnull=True).update(used_at=now, card_id=card.id)


async def use_insert(
    secret: bytes,
    raw: str,
    card_token: str,
) -> Claim:
    """Apply an insert code to the customer's card (found by its page token): once, ever."""
    now = utcnow()
    code, batch = await lookup(secret, raw)
    card = await Card.get_or_none(token=card_token, deleted_at=None)
    if card is None:
        raise NotFound("No such card.")
    if card.business_id != batch.business_id:
        raise ForeignCard("This code belongs to another business.")
    if code.used_at is not None:
        return _used(code)
    if card.template_id != batch.template_id:
        return Claim("rejected", card=card, reason="other_card")
    if batch.expires_at is not None and batch.expires_at <= now:
        return Claim(
            "rejected", card=card, reason="insert_expired", detail={"expires_at": f"{batch.expires_at:%Y-%m-%d}"}
        )
    if batch.kind == "lottery":
        return await _draw(code, batch, card, now)
    try:
        result = await add_stamp(batch.business_id, card.id, idempotency_key=f"insert:{code.id}", source="insert")
    except IdempotencyReplay:
        # The stamp landed but the code was not marked (a crash, or a race with another card).
        await _mark_used(code, card, now)
        await code.refresh_from_db()
        return _used(code)
    if result.outcome == "rejected":  # cooldown or daily cap: the code stays good for later
        return Claim("rejected", card=result.card, reason=result.reason, result=result, detail=result.detail)
    await _mark_used(code, card, now)
    return Claim(result.outcome, card=result.card, stamps=1, result=result)  # type: ignore[arg-type]


async def _draw(code: InsertCode, batch: InsertBatch, card: Card, now: datetime) -> Claim:
    async with outbox.transaction() as conn:
        claimed = (
            await InsertCode.filter(id=code.id, used_at__isnull=True)
            .using_db(conn)
            .update(used_at=now, card_id=card.id)
        )
        if not claimed:
            await code.refresh_from_db()
            return _used(code)
        pool = await lottery.drawable_pool(conn, batch.business_id, batch.pool_id)
        if pool is None:
            # Raising rolls the claim back, so the code works once the pool exists again.
            raise InvalidInput(CLAIM_REASONS["no_prize_pool"])
        locked = await lock_card(conn, card.id)
        if locked is None:
            raise NotFound("No such card.")
        template = await CardTemplate.get(id=locked.template_id).using_db(conn)
        draw = await lottery.draw_in_transaction(conn, locked, pool, source="insert", template=template)
    return Claim("lottery", card=locked, draw=draw)


# --- Printable sheets --------------------------------------------------------------------

DPI = 150
PAGE = (1240, 1754)  # A4 at 150 dpi
MARGIN = 60
COLUMNS, ROWS = 2, 4
INSET = 14  # between a card's cut line and its coloured face
PER_PAGE = COLUMNS * ROWS


# NOTE: Printed delivery insert: the headline beside the QR code; capitals where the language has them.
HEADLINES = {"stamp": N_("FREE STAMP"), "lottery": N_("LOTTERY DRAW")}
SCAN = {
    # NOTE: Printed delivery insert: what scanning its QR code gives.
    "stamp": N_("Scan with your phone camera for a stamp."),
    # NOTE: Printed delivery insert: what scanning its QR code gives (a spin of the shop's prize draw).
    "lottery": N_("Scan with your phone camera for a lottery draw."),
}
# NOTE: Printed delivery insert, for people without a stamp card yet.
NEW_HERE = N_("New here? Join in seconds, no app needed.")
# NOTE: Printed delivery insert: each printed QR code can be used one time only.
ONCE = N_("Each code works once.")
# NOTE: Printed delivery insert: the code's serial number under the QR code.
SERIAL = N_("No. {code}")


def instructions(kind: str, lang: Lang | None = None) -> str:
    _ = (lang or Lang())._
    scan = SCAN.get(kind, SCAN["stamp"])
    return "\n".join((_(scan), _(NEW_HERE), _(ONCE)))


def render_sheets(
    urls: list[str], *, business_name: str, card_name: str, kind: str, design: dict[str, Any], language: str = "en"
) -> list[Image.Image]:
    """A4 pages (150 dpi) of cut-out cards, eight per page, in the card's colours."""
    return list(
        render_pages(
            urls, business_name=business_name, card_name=card_name, kind=kind, design=design, language=language
        )
    )


def render_pages(
    urls: list[str], *, business_name: str, card_name: str, kind: str, design: dict[str, Any], language: str = "en"
) -> Iterator[Image.Image]:
    """`render_sheets` one page at a time, in the business's language."""
    lang = Lang(language)
    background = colours.rgb(design, "background")
    foreground = colours.rgb(design, "foreground")
    cell_w = (PAGE[0] - 2 * MARGIN) // COLUMNS
    cell_h = (PAGE[1] - 2 * MARGIN) // ROWS
    headline = lang._(HEADLINES.get(kind, HEADLINES["stamp"]))
    # Each text in the fonts of its script: a business named in Thai or Japanese prints as such.
    name_type, card_type, small_type = text.Type(22, bold=True), text.Type(21), text.Type(16)
    qr_box = min(290, cell_h - 2 * INSET - 60)
    text_width = cell_w - 2 * INSET - 20 - qr_box - 20 - 16
    # Every card of a batch says the same: laid out once, drawn on each.
    measure = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    name_lines = text.wrap(measure, business_name, name_type, text_width)[:2]
    headline_type = text.fit(measure, headline, 36, text_width, bold=True)
    card_lines = text.wrap(measure, card_name, card_type, text_width)[:2]
    how_lines = text.wrap(measure, instructions(kind, lang), small_type, text_width)[:9]
    for start in range(0, len(urls), PER_PAGE):
        page = Image.new("RGB", PAGE, "white")
        draw = ImageDraw.Draw(page)
        for index, url in enumerate(urls[start : start + PER_PAGE]):
            col, row = index % COLUMNS, index // COLUMNS
            x0, y0 = MARGIN + col * cell_w, MARGIN + row * cell_h
            # Cut lines: dashed rectangle around each card.
            for x in range(x0, x0 + cell_w, 16):
                draw.line([(x, y0), (min(x + 8, x0 + cell_w), y0)], fill="#999999")
                draw.line([(x, y0 + cell_h), (min(x + 8, x0 + cell_w), y0 + cell_h)], fill="#999999")
            for y in range(y0, y0 + cell_h, 16):
                draw.line([(x0, y), (x0, min(y + 8, y0 + cell_h))], fill="#999999")
                draw.line([(x0 + cell_w, y), (x0 + cell_w, min(y + 8, y0 + cell_h))], fill="#999999")
            inset = INSET
            draw.rounded_rectangle(
                [x0 + inset, y0 + inset, x0 + cell_w - inset, y0 + cell_h - inset], radius=24, fill=background
            )
            code = qr.image(url, qr_box - 12)
            qx, qy = x0 + inset + 20, y0 + inset + 20
            draw.rounded_rectangle([qx, qy, qx + qr_box, qy + qr_box], radius=12, fill="white")
            page.paste(code, (qx + (qr_box - code.width) // 2, qy + (qr_box - code.height) // 2))
            tx = qx + qr_box + 20
            ty = qy + 2
            for line in name_lines:
                text.draw_line(draw, (tx, ty), line, name_type, fill=foreground)
                ty += 28
            ty += 8
            text.draw_line(draw, (tx, ty), headline, headline_type, fill=foreground)
            ty += 48
            for line in card_lines:
                text.draw_line(draw, (tx, ty), line, card_type, fill=foreground)
                ty += 28
            ty += 10
            for line in how_lines:
                text.draw_line(draw, (tx, ty), line, small_type, fill=foreground)
                ty += 21
            code_id = url.rsplit("/", 1)[-1].split(".")[1]
            text.draw_line(draw, (qx + 4, qy + qr_box + 10), lang._(SERIAL, code=code_id), small_type, fill=foreground)
        yield page


def pdf_bytes(pages: Iterable[Image.Image]) -> bytes:
    return image_pdf(pages, dpi=DPI)


async def _batch_pages(batch: InsertBatch, secret: bytes, public_url: str) -> tuple[list[str], dict[str, Any]]:
    template = await CardTemplate.get(id=batch.template_id)
    business = await Business.get(id=batch.business_id)
    urls = await batch_urls(batch, secret, public_url)
    return urls, {
        "business_name": business.name,
        "card_name": template.name,
        "kind": batch.kind,
        "design": template.design or {},
        "language": business.language,
    }


async def batch_sheets(batch: InsertBatch, secret: bytes, public_url: str) -> list[Image.Image]:
    urls, look = await _batch_pages(batch, secret, public_url)
    return await asyncio.to_thread(render_sheets, urls, **look)


# Drawing 250 pages takes a core for half a minute: a few at a time per process, off its loop.
_PDF_SLOTS = asyncio.Semaphore(2)


async def batch_pdf(batch: InsertBatch, secret: bytes, public_url: str) -> bytes:
    """The print-ready PDF of a batch: A4 pages of cut-out cards, drawn in a worker thread one
    page at a time (a 2,000-code batch never holds more than one page of pixels)."""
    urls, look = await _batch_pages(batch, secret, public_url)
    async with _PDF_SLOTS:
        return await asyncio.to_thread(lambda: pdf_bytes(render_pages(urls, **look)))
