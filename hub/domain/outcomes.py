"""What a scan, a stamp or a redemption came to. Rejections are outcomes, not errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from hub.models import Card, CardTemplate, Voucher

Outcome = Literal["stamped", "reward", "redeemed", "rejected"]

REASONS = {
    "cooldown": "Already stamped moments ago. Try again in {retry_after} s.",
    "already_stamped": "Already stamped {seconds_ago} s ago: one visit, one stamp.",
    "daily_cap": "Daily limit reached: {cap} stamps per day.",
    "already_redeemed": "Already redeemed {redeemed_at}{where}.",
    "expired": "This voucher expired {expires_at}.",
    "card_deleted": "This card was deleted.",
    "voucher_void": "This voucher is no longer valid.",
    "plan_limit": "Free plan limit reached: {limit} card operations in {month}. Upgrade in Billing to keep stamping.",
}


@dataclass
class ScanResult:
    outcome: Outcome
    card: Card
    template: CardTemplate
    reason: str | None = None
    voucher: Voucher | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        if self.reason:
            return REASONS.get(self.reason, self.reason).format(**self.detail)
        if self.outcome == "reward":
            if self.voucher is None:
                return "Card full: the prize draw was played, no prize this time."
            return f"Reward earned: {self.voucher.title}"
        if self.outcome == "redeemed":
            return f"Voucher redeemed: {self.voucher.title if self.voucher else ''}"
        return f"Stamped {self.card.stamps} / {self.template.stamps_required}"

    def as_dict(self) -> dict[str, Any]:
        voucher = None
        if self.voucher is not None:
            voucher = {
                "id": self.voucher.id,
                "title": self.voucher.title,
                "state": self.voucher.state.value,
                "redeemed_at": self.voucher.redeemed_at.isoformat() if self.voucher.redeemed_at else None,
                "expires_at": self.voucher.expires_at.isoformat() if self.voucher.expires_at else None,
            }
        return {
            "outcome": self.outcome,
            "reason": self.reason,
            "message": self.message,
            "card": {
                "number": self.card.number,
                "stamps": self.card.stamps,
                "stamps_required": self.template.stamps_required,
            },
            "voucher": voucher,
            "detail": self.detail,
        }
