"""What the customer reads after scanning a delivery insert or a receipt QR.

The domain's own messages are English and written for the API; these say it to the customer in
the page's language, with the claim's detail as placeholders.
"""

from __future__ import annotations

from datetime import date

from hub.domain.inserts import Claim
from hub.errors import DomainError
from hub.i18n import N_, Lang

# Why a code gave nothing, by the claim's reason.
REJECTIONS = {
    "already_used": N_("This code was already used. Each code works once."),
    "insert_expired": N_("This code expired on {expires_at}."),
    "other_card": N_("This code is for another stamp card."),
    "cooldown": N_("Your card was stamped moments ago. Open this link again in {retry_after} s."),
    "daily_cap": N_("Daily limit reached: {cap} stamps per day. Open this link again tomorrow."),
    "receipt_used": N_("This receipt already gave its stamp."),
    "stale_receipt": N_("This receipt is too old: receipts count for {max_age_hours} hours."),
    "future_receipt": N_("This receipt's time is in the future. Please ask the shop."),
    "below_minimum": N_("Receipts from {min_amount} earn a stamp."),
    "key_revoked": N_("This receipt's code is no longer valid. Please ask the shop."),
    "no_prize_pool": N_("This lottery is not set up yet. Please ask the shop."),
    "plan_limit": N_("This shop cannot give stamps right now. Please try again later."),
    "card_deleted": N_("This card was deleted."),
}
# Why a code could not be used at all, by the error's code.
ERRORS = {
    "malformed_code": N_("This is not a valid code. Please scan the QR code again."),
    "invalid_signature": N_("This is not a valid code. Please scan the QR code again."),
    "not_found": N_("This code does not exist."),
    "other_business": N_("This code is from another shop."),
}
CANNOT_USE = N_("This code cannot be used right now. Please ask the shop.")


def rejection_text(claim: Claim, lang: Lang) -> str:
    values = dict(claim.detail)
    for key in ("retry_after", "cap", "max_age_hours"):
        if isinstance(values.get(key), int):
            values[key] = lang.number(values[key])
    if isinstance(values.get("expires_at"), str):
        values["expires_at"] = lang.date_text(date.fromisoformat(values["expires_at"]))
    return lang._(REJECTIONS.get(claim.reason or "", CANNOT_USE), **values)


def error_text(error: DomainError, lang: Lang) -> str:
    return lang._(ERRORS.get(error.code, CANNOT_USE))


def claim_text(claim: Claim, lang: Lang) -> str:
    if claim.outcome == "rejected":
        return rejection_text(claim, lang)
    voucher = claim.result.voucher if claim.result else None
    if claim.outcome == "reward" and voucher is None:  # a full card whose prize draw drew nothing
        return lang._("Card full: the prize draw was played, no prize this time.")
    if claim.outcome == "reward":
        return lang._("Reward earned: {reward}. It is waiting on your card.", reward=voucher.title)
    if claim.stamps > 1:
        return lang._("Stamps added: {count}", count=lang.number(claim.stamps))
    return lang._("Stamp added!")
