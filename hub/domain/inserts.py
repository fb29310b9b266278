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

import qrcode
from PIL import Image, ImageColor, ImageDraw, ImageFont
from tortoise.transactions import in_transaction

from hub.clock import utcnow
from hub.domain import lottery
from hub.domain.locks import lock_card
from hub.domain.outcomes import ScanResult
from hub.domain.stamps import add_stamp
from hub.errors import ForeignCard, ForgedCode, IdempotencyReplay, InvalidInput, MalformedCode, NotFound
from hub.models import Business, Card, CardTemplate, InsertBatch, InsertCode, LotteryDraw, PrizePool
from hub.pdf import image_pdf
from hub.realtime import outbox

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
PER_PAGE = COLUMNS * ROWS


def _colour(value: Any, fallback: str) -> tuple[int, int, int]:
    try:
        return ImageColor.getrgb(value)[:3]  # type: ignore[return-value]
    except (ValueError, TypeError, AttributeError):
        return ImageColor.getrgb(fallback)[:3]  # type: ignore[return-value]


# DejaVu covers accented and most non-Latin business names; Pillow's own font is the fallback.
_FONTS = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
_FONT_DIRS = ("/usr/share/fonts/truetype/dejavu/", "")


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    name = _FONTS[1] if bold else _FONTS[0]
    for folder in _FONT_DIRS:
        try:
            return ImageFont.truetype(folder + name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def _fitting_font(draw: ImageDraw.ImageDraw, text: str, width: int, size: int) -> Any:
    while size > 14 and draw.textlength(text, font=_font(size, bold=True)) > width:
        size -= 2
    return _font(size, bold=True)


def _qr(url: str, size: int) -> Image.Image:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4, box_size=1)
    qr.add_data(url)
    qr.make(fit=True)
    image = qr.make_image(fill_color="black", back_color="white").get_image().convert("RGB")
    modules = image.width
    scale = max(1, size // modules)
    # Whole pixels per module keep every module edge sharp for phone cameras.
    return image.resize((modules * scale, modules * scale), Image.Resampling.NEAREST)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: Any, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}".strip()
            if draw.textlength(candidate, font=font) <= width or not line:
                line = candidate
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


def instructions(kind: str) -> str:
    gift = "a stamp" if kind == "stamp" else "a lottery draw"
    return f"Scan with your phone camera for {gift}.\nNew here? Join in seconds, no app needed.\nEach code works once."


def render_sheets(
    urls: list[str], *, business_name: str, card_name: str, kind: str, design: dict[str, Any]
) -> list[Image.Image]:
    """A4 pages (150 dpi) of cut-out cards, eight per page, in the card's colours."""
    return list(render_pages(urls, business_name=business_name, card_name=card_name, kind=kind, design=design))


def render_pages(
    urls: list[str], *, business_name: str, card_name: str, kind: str, design: dict[str, Any]
) -> Iterator[Image.Image]:
    """`render_sheets` one page at a time."""
    background = _colour(design.get("background"), "#3b2416")
    foreground = _colour(design.get("foreground"), "#fff8ef")
    cell_w = (PAGE[0] - 2 * MARGIN) // COLUMNS
    cell_h = (PAGE[1] - 2 * MARGIN) // ROWS
    body_font, small_font = _font(21), _font(16)
    headline = "FREE STAMP" if kind == "stamp" else "LOTTERY DRAW"
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
            inset = 14
            draw.rounded_rectangle(
                [x0 + inset, y0 + inset, x0 + cell_w - inset, y0 + cell_h - inset], radius=24, fill=background
            )
            qr_box = min(290, cell_h - 2 * inset - 60)
            qr = _qr(url, qr_box - 12)
            qx, qy = x0 + inset + 20, y0 + inset + 20
            draw.rounded_rectangle([qx, qy, qx + qr_box, qy + qr_box], radius=12, fill="white")
            page.paste(qr, (qx + (qr_box - qr.width) // 2, qy + (qr_box - qr.height) // 2))
            tx = qx + qr_box + 20
            text_width = x0 + cell_w - inset - 16 - tx
            ty = qy + 2
            for line in _wrap(draw, business_name, _font(22, bold=True), text_width)[:2]:
                draw.text((tx, ty), line, font=_font(22, bold=True), fill=foreground)
                ty += 28
            ty += 8
            draw.text((tx, ty), headline, font=_fitting_font(draw, headline, text_width, 36), fill=foreground)
            ty += 48
            for line in _wrap(draw, card_name, body_font, text_width)[:2]:
                draw.text((tx, ty), line, font=body_font, fill=foreground)
                ty += 28
            ty += 10
            for line in _wrap(draw, instructions(kind), small_font, text_width)[:9]:
                draw.text((tx, ty), line, font=small_font, fill=foreground)
                ty += 21
            code_id = url.rsplit("/", 1)[-1].split(".")[1]
            draw.text((qx + 4, qy + qr_box + 10), f"No. {code_id}", font=small_font, fill=foreground)
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
