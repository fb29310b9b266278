"""What a card's pass shows, read once from the database and shared by Apple and Google."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from hub.domain import codes
from hub.domain.lottery import prize_titles
from hub.i18n import Lang
from hub.models import (
    Business,
    Card,
    CardTemplate,
    CardTemplateVersion,
    Customer,
    Voucher,
    VoucherState,
    WalletPass,
)

# Bumped when the pass layout changes, so every pass counts as changed and is pushed again.
LAYOUT = 2


@dataclass(frozen=True)
class PassContent:
    card_id: int
    business_id: int
    template_id: int
    template_version: int
    number: int
    code: str
    page_url: str
    business_name: str
    customer_name: str
    title: str
    subtitle: str
    reward_title: str
    stamps: int
    stamps_required: int
    active_vouchers: int
    deleted: bool
    notice: str = ""
    design: dict[str, Any] = field(default_factory=dict)
    # The holder's language (the one they joined in, else the business's) and the business's
    # own, for what all holders of a template share (Google's class).
    language: str = "en"
    business_language: str = "en"

    def digest(self) -> str:
        """Changes exactly when what the holder sees changes."""
        blob = json.dumps({"layout": LAYOUT, **asdict(self)}, sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()


async def template_snapshot(template: CardTemplate, version: int) -> dict[str, Any]:
    """The design and mechanics of one published version (the live row when none is frozen)."""
    frozen = await CardTemplateVersion.get_or_none(template_id=template.id, version=version)
    if frozen is not None and isinstance(frozen.snapshot, dict):
        return frozen.snapshot
    return {
        "name": template.name,
        "design": template.design,
        "stamps_required": template.stamps_required,
        "reward_title": template.reward_title,
    }


def _reward(reward_title: str, prizes: list[str]) -> str:
    """The pass's reward field: on a lottery card, the spin and what it can win."""
    return f"a spin for {Lang().either(prizes)}" if prizes else reward_title


async def load_content(card: Card, *, secret: bytes, public_url: str) -> PassContent:
    template = await CardTemplate.get(id=card.template_id)
    snapshot = await template_snapshot(template, card.template_version)
    design = {**(snapshot.get("design") or {})}
    business = await Business.get(id=card.business_id)
    customer = await Customer.get(id=card.customer_id)
    notice = await WalletPass.filter(card_id=card.id).values_list("notice", flat=True)
    active = await Voucher.filter(card_id=card.id, state__in=[VoucherState.ISSUED, VoucherState.ACTIVE]).count()
    return PassContent(
        card_id=card.id,
        business_id=card.business_id,
        template_id=template.id,
        template_version=card.template_version,
        number=card.number,
        code=codes.card_code(secret, card.number),
        page_url=f"{public_url}/c/{card.token}",
        business_name=business.name,
        customer_name=customer.name,
        title=str(design.get("title") or snapshot.get("name") or template.name),
        subtitle=str(design.get("subtitle") or ""),
        # Mechanics are live, as on the card page: progress is measured against today's rule.
        # The design is the card's version's, so a new design arrives with its regenerate.
        reward_title=_reward(template.reward_title, await prize_titles(template)),
        stamps=card.stamps,
        stamps_required=template.stamps_required,
        active_vouchers=active,
        deleted=card.deleted_at is not None,
        notice=notice[0] if notice else "",
        design=design,
        language=customer.language or business.language,
        business_language=business.language,
    )
