"""Stamp card templates: design plus mechanics, published as numbered versions.

The `CardTemplate` row is what issued cards use right now. The designer edits a
`CardTemplateDraft`; publishing copies the draft onto the row, freezes it as
`CardTemplateVersion` N+1, and `apply_version` then moves every issued card to it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from tortoise.transactions import in_transaction

from hub.domain.cards import delete_card, issue_card, updated_event
from hub.errors import InvalidInput, NotFound
from hub.models import Card, CardTemplate, CardTemplateDraft, CardTemplateVersion, PrizePool, Voucher
from hub.realtime import outbox
from hub.realtime.events import TemplatePublished, TemplateRegeneration
from hub.render import colours

DEFAULT_DESIGN: dict[str, Any] = {
    **colours.DEFAULTS,
    "title": "Coffee card",
    "subtitle": "Buy 8, get one free",
    "stamp_icon": "local_cafe",
    "logo": None,
    "strip": None,
    "stamps_label": "Stamps",
    "reward_label": "Reward",
}

DESIGN_TEXT_LIMITS = {"title": 60, "subtitle": 120, "stamps_label": 24, "reward_label": 24}
COLOUR_KEYS = colours.KEYS

MECHANICS = ("stamps_required", "reward_type", "reward_title", "voucher_valid_days", "cooldown_seconds", "daily_cap")

REGENERATION_BATCH = 500


def snapshot(template: CardTemplate) -> dict[str, Any]:
    return {"name": template.name, "design": template.design, **{k: getattr(template, k) for k in MECHANICS}}


def _check_mechanics(values: dict[str, Any]) -> None:
    required = values.get("stamps_required")
    if required is not None and not 1 <= int(required) <= 50:
        raise InvalidInput("A card needs between 1 and 50 stamps.", field="stamps_required")
    if values.get("reward_type", "voucher") not in ("voucher", "lottery"):
        raise InvalidInput("Reward is a voucher or a lottery.", field="reward_type")
    if int(values.get("cooldown_seconds") or 0) < 0:
        raise InvalidInput("Cooldown cannot be negative.", field="cooldown_seconds")
    if "reward_title" in values and not 1 <= len(str(values["reward_title"] or "").strip()) <= 120:
        raise InvalidInput("Name the reward (up to 120 characters).", field="reward_title")
    days = values.get("voucher_valid_days")
    if days is not None and not 0 <= int(days) <= 3650:
        raise InvalidInput("Vouchers are valid for 0 (no expiry) to 3650 days.", field="voucher_valid_days")
    cap = values.get("daily_cap")
    if cap is not None and int(cap) < 1:
        raise InvalidInput("A daily cap is at least 1 stamp, or empty for none.", field="daily_cap")


def _clean_design(design: dict[str, Any]) -> dict[str, Any]:
    out = {**DEFAULT_DESIGN, **{k: v for k, v in design.items() if k in DEFAULT_DESIGN}}
    for key in COLOUR_KEYS:
        if not colours.is_colour(out[key]):
            raise InvalidInput(f"Colours are written like {colours.BRAND}.", field=key)
    for key, limit in DESIGN_TEXT_LIMITS.items():
        out[key] = str(out[key] or "").strip()
        if len(out[key]) > limit:
            raise InvalidInput(f"Keep this text under {limit} characters.", field=key)
    for key in ("logo", "strip"):
        # Only images this app stored itself; a free URL would let the design load anything.
        if out[key] and not str(out[key]).startswith("/uploads/"):
            raise InvalidInput("Upload the image here.", field=key)
    if not str(out["stamp_icon"] or "").replace("_", "").isalnum():
        raise InvalidInput("Choose a stamp icon.", field="stamp_icon")
    return out


def _clean_values(values: dict[str, Any]) -> dict[str, Any]:
    """A full snapshot-shaped dict, validated; raises InvalidInput naming the field."""
    name = str(values.get("name") or "").strip()
    if not name or len(name) > 120:
        raise InvalidInput("Name the stamp card (up to 120 characters).", field="name")
    mechanics = {k: values.get(k) for k in MECHANICS}
    if mechanics["stamps_required"] in (None, ""):
        raise InvalidInput("A card needs between 1 and 50 stamps.", field="stamps_required")
    if mechanics["daily_cap"] in ("", 0):
        mechanics["daily_cap"] = None
    try:
        for key in ("stamps_required", "voucher_valid_days", "cooldown_seconds"):
            mechanics[key] = int(mechanics[key] or 0)
        if mechanics["daily_cap"] is not None:
            mechanics["daily_cap"] = int(mechanics["daily_cap"])
    except (TypeError, ValueError) as exc:
        raise InvalidInput("Use whole numbers for stamps, days and seconds.", field="stamps_required") from exc
    mechanics["reward_type"] = mechanics["reward_type"] or "voucher"
    mechanics["reward_title"] = str(mechanics["reward_title"] or "").strip()
    _check_mechanics(mechanics)
    return {"name": name, "design": _clean_design(values.get("design") or {}), **mechanics}


async def create_template(business_id: int, name: str, **values: Any) -> CardTemplate:
    _check_mechanics(values)
    design = {**DEFAULT_DESIGN, **values.pop("design", {})}
    async with in_transaction() as conn:
        template = await CardTemplate.create(
            business_id=business_id, name=name, design=design, version=1, using_db=conn, **values
        )
        await CardTemplateVersion.create(template_id=template.id, version=1, snapshot=snapshot(template), using_db=conn)
    return template


async def get_template(business_id: int, template_id: int) -> CardTemplate:
    template = await CardTemplate.get_or_none(id=template_id, business_id=business_id)
    if template is None:
        raise NotFound("No such stamp card.")
    return template


async def template_by_id(template_id: int) -> CardTemplate | None:
    """Any business's template: for public assets addressed by id (a wallet's program logo)."""
    return await CardTemplate.get_or_none(id=template_id)


async def find_template(business_id: int, template_id: int) -> CardTemplate | None:
    return await CardTemplate.get_or_none(id=template_id, business_id=business_id)


async def brand_design(business_id: int) -> dict[str, Any]:
    """The business's look as its first stamp card draws it (the scanner's app icon)."""
    template = await CardTemplate.filter(business_id=business_id).order_by("id").first()
    return dict(template.design or {}) if template else {}


async def issued_cards(template_id: int) -> int:
    """Cards of this template still in use: what a publish or a regeneration updates."""
    return await Card.filter(template_id=template_id, deleted_at=None).count()


async def template_names(business_id: int) -> dict[int, str]:
    """Oldest first, for the owner's pickers."""
    return dict(await CardTemplate.filter(business_id=business_id).order_by("id").values_list("id", "name"))


async def reward_titles(business_id: int) -> list[str]:
    """The rewards the business's cards give, A to Z: the first guesses for a voucher's title."""
    return sorted(set(await CardTemplate.filter(business_id=business_id).values_list("reward_title", flat=True)))


async def list_templates(business_id: int) -> list[dict[str, Any]]:
    """Every stamp card of the business with its live version, card count and draft state."""
    templates = await CardTemplate.filter(business_id=business_id).order_by("id")
    drafts = set(await CardTemplateDraft.filter(business_id=business_id).values_list("template_id", flat=True))
    out = []
    for template in templates:
        cards = await Card.filter(template_id=template.id, deleted_at=None).count()
        out.append({"template": template, "cards": cards, "has_draft": template.id in drafts})
    return out


async def load_draft(business_id: int, template_id: int) -> dict[str, Any]:
    """What the designer edits: the saved draft, or the live template when there is none."""
    template = await get_template(business_id, template_id)
    draft = await CardTemplateDraft.get_or_none(template_id=template.id)
    live = snapshot(template)
    if draft is None:
        return live
    return {**live, **draft.values, "design": {**DEFAULT_DESIGN, **live["design"], **draft.values.get("design", {})}}


def mechanics_changed(template: CardTemplate, values: dict[str, Any]) -> list[str]:
    """The mechanics that `values` would change on the live template."""
    return [k for k in MECHANICS if k in values and values[k] != getattr(template, k)]


async def save_draft(business_id: int, template_id: int, values: dict[str, Any]) -> dict[str, Any]:
    """Validate and store the designer's changes without touching issued cards."""
    template = await get_template(business_id, template_id)
    clean = _clean_values(values)
    async with in_transaction() as conn:
        draft = await CardTemplateDraft.get_or_none(template_id=template.id).using_db(conn)
        if draft is None:
            await CardTemplateDraft.create(
                business_id=business_id, template_id=template.id, values=clean, using_db=conn
            )
        else:
            draft.values = clean
            await draft.save(update_fields=["values", "updated_at"], using_db=conn)
    return clean


async def discard_draft(business_id: int, template_id: int) -> None:
    await CardTemplateDraft.filter(business_id=business_id, template_id=template_id).delete()


async def publish(business_id: int, template_id: int, values: dict[str, Any] | None = None) -> CardTemplate:
    """Make the draft (or `values`) live as the next version.

    New cards get it at once; issued cards move to it through `apply_version`
    (the regeneration job), which emits `card.updated` for each of them.
    """
    async with outbox.transaction() as conn:
        template = await CardTemplate.filter(id=template_id, business_id=business_id).using_db(conn).first()
        if template is None:
            raise NotFound("No such stamp card.")
        draft = await CardTemplateDraft.get_or_none(template_id=template.id).using_db(conn)
        if values is None:
            values = draft.values if draft else snapshot(template)
        clean = _clean_values(values)
        if (
            clean["reward_type"] == "lottery"
            and not await PrizePool.filter(template_id=template.id, business_id=business_id, archived_at__isnull=True)
            .using_db(conn)
            .exists()
        ):
            # Published without one, full cards would get the plain voucher the card no longer promises.
            raise InvalidInput(
                "A lottery card needs a prize pool: choose one under Stamps & reward "
                "(make one on the Prize pools page), then publish.",
                field="pool_id",
            )
        changed = mechanics_changed(template, clean)
        template.name = clean["name"]
        template.design = clean["design"]
        for key in MECHANICS:
            setattr(template, key, clean[key])
        template.version += 1
        await template.save(using_db=conn)
        await CardTemplateVersion.create(
            template_id=template.id, version=template.version, snapshot=snapshot(template), using_db=conn
        )
        if draft is not None:
            await draft.delete(using_db=conn)
        event: TemplatePublished = {
            "type": "template.published",
            "business_id": business_id,
            "template_id": template.id,
            "version": template.version,
            "mechanics_changed": bool(changed),
        }
        await outbox.record(conn, event)
    return template


async def versions(business_id: int, template_id: int) -> list[CardTemplateVersion]:
    template = await get_template(business_id, template_id)
    return await CardTemplateVersion.filter(template_id=template.id).order_by("-version")


Progress = Callable[[int, int], Awaitable[None] | None]


async def apply_version(
    business_id: int,
    template_id: int,
    version: int,
    *,
    progress: Progress | None = None,
    batch: int = REGENERATION_BATCH,
) -> int:
    """Move every issued card of the template to `version`; returns how many moved.

    Idempotent: only cards on an older version move, so a retried or restarted job
    continues where it stopped. Each batch commits its cards, their `card.updated`
    events and a `template.regeneration` progress event together.
    """
    template = await get_template(business_id, template_id)
    if version > template.version:
        raise InvalidInput("That version is not published yet.", field="version")
    total = await Card.filter(
        template_id=template.id, business_id=business_id, deleted_at=None, template_version__lt=version
    ).count()
    done, last_id = 0, 0
    while True:
        ids = await (
            Card.filter(
                template_id=template.id,
                business_id=business_id,
                deleted_at=None,
                template_version__lt=version,
                id__gt=last_id,
            )
            .order_by("id")
            .limit(batch)
            .values_list("id", flat=True)
        )
        async with outbox.transaction() as conn:
            if ids:
                # Write first, then read: the UPDATE takes the row locks (PostgreSQL) or the
                # write lock (SQLite) so the events below carry each card's committed stamps.
                await (
                    Card.filter(id__in=ids, template_version__lt=version)
                    .using_db(conn)
                    .update(template_version=version)
                )
                cards = await Card.filter(id__in=ids, deleted_at=None).order_by("id").using_db(conn)
                await outbox.record_many(conn, [updated_event(card, template) for card in cards])
                done += len(cards)
                last_id = ids[-1]
            finished = len(ids) < batch
            tick: TemplateRegeneration = {
                "type": "template.regeneration",
                "business_id": business_id,
                "template_id": template.id,
                "version": version,
                "done": done,
                "total": max(total, done),
                "finished": finished,
            }
            await outbox.record(conn, tick)
        if progress is not None:
            result = progress(done, max(total, done))
            if result is not None:
                await result
        if finished:
            return done


PREVIEW_NAME = "Card preview"


async def preview_card(business_id: int, template_id: int) -> Card:
    """The card "View as customer" opens: a card of this template exactly as a customer who
    joins now gets it. Kept while untouched; once stamped (or deleted) a fresh one replaces it.
    Issued as a join, so it is never a billed card operation."""
    template = await get_template(business_id, template_id)
    card = None
    if template.preview_card_id:
        card = await Card.get_or_none(id=template.preview_card_id, business_id=business_id, deleted_at=None)
    fresh = (
        card is not None
        and card.stamps == 0
        and card.rounds_completed == 0
        and not await Voucher.exists(card_id=card.id)
    )
    if card is not None and fresh:
        return card
    if card is not None:
        await delete_card(business_id, card.id, actor="preview")
    card = await issue_card(business_id, template.id, PREVIEW_NAME, joined=True)
    await CardTemplate.filter(id=template.id).update(preview_card_id=card.id)
    return card
