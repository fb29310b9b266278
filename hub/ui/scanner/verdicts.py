"""What the staff (or the customer at the kiosk) is told after a scan: one verdict per outcome.

Kept free of NiceGUI so every wording is decided in one place and tested without a page.
The staff's words are English; the kiosk's (`for_customer`) are in the customer's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from hub.domain.outcomes import ScanResult
from hub.errors import (
    CannotUndo,
    DomainError,
    ForeignCard,
    ForgedCode,
    IdempotencyReplay,
    InvalidInput,
    MalformedCode,
    NotFound,
    RateLimited,
    SeatRevoked,
    VoucherAtKiosk,
)
from hub.i18n import N_, Lang
from hub.models import Card, CardTemplate

Tone = Literal["stamped", "reward", "redeemed", "already", "rejected", "notice"]

# Bright, unambiguous colours: green is "done", gold a celebration, blue a hand-over, amber
# "this visit already has its stamp", red "no".
TONE_STYLE: dict[Tone, tuple[str, str]] = {
    "stamped": ("#15803d", "check_circle"),
    "reward": ("#a16207", "emoji_events"),
    "redeemed": ("#1d4ed8", "redeem"),
    "already": ("#d97706", "history"),
    "rejected": ("#b91c1c", "block"),
    "notice": ("#475569", "info"),
}

REJECTED = {
    "cooldown": "Rejected: cooldown",
    "daily_cap": "Rejected: daily limit reached",
    "already_redeemed": "Rejected: already redeemed",
    "expired": "Rejected: expired",
    "card_deleted": "Rejected: card deleted",
    "voucher_void": "Rejected: voucher no longer valid",
}


# Who gave a stamp that was not given at a seat, for "Already stamped 40 s ago …".
_GIVEN_BY = {
    "api": " by the till",
    "pos": " by the till",
    "insert": " with a delivery insert",
    "receipt": " by receipt",
}


@dataclass(frozen=True)
class Waiting:
    """A voucher of the card that can be redeemed now."""

    voucher_id: int
    title: str


@dataclass(frozen=True)
class Verdict:
    tone: Tone
    headline: str
    detail: str = ""
    reason: str | None = None
    number: int | None = None
    stamps: int | None = None
    stamps_required: int | None = None
    template_id: int | None = None
    customer: str | None = None
    vouchers: tuple[Waiting, ...] = ()
    # The idempotency key of the stamp this verdict reports, which names it for Undo.
    stamp_key: str | None = None

    @property
    def good(self) -> bool:
        return self.tone in ("stamped", "reward", "redeemed")

    @property
    def sound(self) -> str:
        if self.tone == "already":
            return "again"
        return "reward" if self.tone == "reward" else "ok" if self.good else "error"


def waiting_text(vouchers: Sequence[Waiting]) -> str:
    """The line "2 rewards waiting: Free coffee, Free cake", or "" when there is none."""
    if not vouchers:
        return ""
    titles = ", ".join(v.title for v in vouchers)
    return f"{len(vouchers)} reward{'s' if len(vouchers) > 1 else ''} waiting: {titles}"


def _who(card: Card, customer_name: str | None) -> str:
    return f"{customer_name} · card #{card.number}" if customer_name else f"Card #{card.number}"


def _ago(seconds: int) -> str:
    minutes, seconds = divmod(max(0, seconds), 60)
    if not minutes:
        return f"{seconds} s"
    return f"{minutes} min {seconds} s" if seconds else f"{minutes} min"


def _already(detail: dict, who: str, progress: str) -> tuple[str, str]:
    where = f" at {detail['seat_name']}" if detail.get("seat_name") else _GIVEN_BY.get(detail.get("source") or "", "")
    headline = f"Already stamped {_ago(int(detail.get('seconds_ago', 0)))} ago{where}"
    return headline, f"{who} · {progress}. One visit, one stamp: +1 for another item."


def from_result(
    result: ScanResult,
    customer_name: str | None = None,
    *,
    waiting: tuple[Waiting, ...] = (),
    stamp_key: str | None = None,
) -> Verdict:
    card = result.card
    who = _who(card, customer_name)
    common = {
        "number": card.number,
        "stamps": card.stamps,
        "stamps_required": result.template.stamps_required,
        "template_id": result.template.id,
        "customer": customer_name,
        "vouchers": waiting,
    }
    if result.outcome in ("stamped", "reward"):
        common["stamp_key"] = stamp_key
    if result.outcome == "stamped":
        return Verdict("stamped", f"Stamped {card.stamps} / {result.template.stamps_required}", who, **common)
    if result.outcome == "reward" and result.voucher is None:  # a full lottery card that drew a blank
        detail = f"The prize draw was played; the card starts again. {who}"
        return Verdict("stamped", "Card full: no prize this time", detail, reason="no_prize", **common)
    if result.outcome == "reward":
        return Verdict("reward", "Reward earned", f"{result.voucher.title}: voucher issued. {who}", **common)
    if result.outcome == "redeemed":
        title = result.voucher.title if result.voucher else ""
        return Verdict("redeemed", "Voucher redeemed", f"Hand over: {title}. {who}", **common)
    reason = result.reason or "rejected"
    if reason == "already_stamped":
        headline, detail = _already(result.detail, who, f"{card.stamps} / {result.template.stamps_required}")
        return Verdict("already", headline, detail, reason=reason, **common)
    headline = REJECTED.get(reason, "Rejected")
    detail = result.message
    if reason == "already_redeemed":
        d = result.detail
        seat = d.get("redeemed_by_seat")
        place = d.get("redeemed_location")
        detail = f"Redeemed {d.get('redeemed_at', 'earlier')}"
        if seat:
            detail += f" by {seat}"
        if place:
            detail += f" at {place}"
        detail += "."
    return Verdict("rejected", headline, detail, reason=reason, **common)


def undone(card: Card, template: CardTemplate, customer_name: str | None, waiting: tuple[Waiting, ...]) -> Verdict:
    who = _who(card, customer_name)
    progress = f"{card.stamps} / {template.stamps_required}"
    return Verdict(
        "notice",
        "Stamp undone",
        f"{who} · back to {progress}.",
        reason="undone",
        number=card.number,
        stamps=card.stamps,
        stamps_required=template.stamps_required,
        template_id=template.id,
        customer=customer_name,
        vouchers=waiting,
    )


def from_error(error: DomainError) -> Verdict:
    if isinstance(error, SeatRevoked):
        return Verdict("rejected", "Signed out", "This staff login was revoked. Ask the owner.", reason="revoked")
    if isinstance(error, VoucherAtKiosk):
        return Verdict("notice", "Vouchers at the counter, please", error.message, reason=error.code)
    if error.code == "stale_code":  # a screenshot of a rotating card code
        return Verdict("rejected", "Rejected: expired code", error.message, reason=error.code)
    if isinstance(error, (MalformedCode, ForgedCode)):
        return Verdict("rejected", "Rejected: unknown code", error.message, reason=error.code)
    if isinstance(error, ForeignCard):
        return Verdict("rejected", "Rejected: another business's card", error.message, reason=error.code)
    if isinstance(error, NotFound):
        return Verdict("rejected", "Rejected: unknown code", error.message, reason=error.code)
    if isinstance(error, IdempotencyReplay):
        return Verdict("notice", "Already done", "This scan was already processed; nothing changed.", reason=error.code)
    if isinstance(error, RateLimited):
        return Verdict("rejected", "Slow down", error.message, reason=error.code)
    if isinstance(error, CannotUndo):
        return Verdict("notice", "Cannot undo", error.message, reason=error.code)
    if isinstance(error, InvalidInput):
        return Verdict("rejected", "Rejected: check the code", error.message, reason=error.code)
    return Verdict("rejected", "Rejected", error.message, reason=error.code)


def nothing_found(source: str = "photo") -> Verdict:
    return Verdict(
        "rejected", "No code found", f"No card or voucher QR code in that {source}. Try again closer.", reason="no_code"
    )


def failure() -> Verdict:
    return Verdict("rejected", "Not processed", "Something went wrong on our side. Please scan again.", reason="error")


# The kiosk speaks to the customer: warm words, no staff jargon. `{business}` is the shop's name.
_MOMENTS_AGO = (N_("Already stamped"), N_("This card was stamped moments ago. Ask our staff if something is wrong."))
FOR_CUSTOMER: dict[str, tuple[str, str]] = {
    "cooldown": _MOMENTS_AGO,
    "already_stamped": _MOMENTS_AGO,
    "daily_cap": (N_("That's all for today"), N_("This card has all the stamps it can get today. Come back tomorrow!")),
    "other_business": (N_("Wrong card"), N_("This card is not a {business} card.")),
    "revoked": (N_("Kiosk closed"), N_("Please ask our staff at the counter.")),
    "stale_code": (N_("Code expired"), N_("Please show the live card page on your phone, not a screenshot.")),
    "card_deleted": (N_("Card not valid"), N_("This card is no longer active. Ask our staff for a new one.")),
    "voucher_at_kiosk": (
        N_("Vouchers at the counter, please"),
        N_("Show your voucher to our staff to receive your reward."),
    ),
    "idempotency_replayed": (N_("Already done"), N_("This scan was already counted; nothing changed.")),
    "no_prize": (N_("Prize draw: no prize this time"), N_("No prize this time. Better luck next draw!")),
}
UNREADABLE = (N_("We couldn't read that"), N_("Please show the QR code of your stamp card."))


def for_customer(verdict: Verdict, business_name: str, lang: Lang) -> tuple[str, str]:
    """The kiosk's headline and detail for a verdict, in the customer's language."""
    if verdict.tone == "stamped" and not verdict.reason:
        progress = f"{lang.number(verdict.stamps or 0)} / {lang.number(verdict.stamps_required or 0)}"
        return lang._("Stamp added!"), progress
    if verdict.tone == "reward":
        return lang._("Reward earned!"), lang._("Your voucher is on your card. Show it at the counter.")
    headline, detail = FOR_CUSTOMER.get(verdict.reason or "", UNREADABLE)
    return lang._(headline), lang._(detail, business=business_name)
