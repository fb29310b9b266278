"""The words on a wallet pass, in the holder's language (hub.i18n): Apple and Google show the
same ones. The values (counts, names, the card number) are filled in by the pass builders."""

from __future__ import annotations

from hub.i18n import N_, Lang

# NOTE: Wallet pass: label above the stamp count ("3 / 8").
STAMPS = N_("Stamps")
# NOTE: Wallet pass: the notification when the stamp count changes; {count} is the new count ("4 / 8").
STAMPS_CHANGED = N_("Stamps: {count}")
# NOTE: Wallet pass: label above the card holder's name.
MEMBER = N_("Member")
# NOTE: Wallet pass: label above how many vouchers are waiting to be redeemed.
REWARDS_READY = N_("Rewards ready")
# NOTE: Wallet pass: the notification when the number of waiting vouchers changes.
REWARDS_CHANGED = N_("Rewards ready: {count}")
# NOTE: Wallet pass: label above what a full card earns ("Free coffee").
REWARD = N_("Reward")
# NOTE: Wallet pass: label above the loyalty card's number ("#123456"); a card as in stamp card.
CARD = N_("Card")
# NOTE: Wallet pass, back side: label above the link to the card's web page.
ONLINE = N_("Your card online")
# NOTE: Wallet pass: heading of the short explanation of the stamp card.
HOW = N_("How it works")
# NOTE: Wallet pass: label above the stamp progress ("3 / 8").
PROGRESS = N_("Progress")
# NOTE: Wallet pass: label above the shop's latest message to its customers.
NEWS = N_("News")
# NOTE: Wallet pass, back side: label above the shop's name.
ISSUED_BY = N_("Issued by")
OPEN = N_("Open my card")


def how_it_works(lang: Lang, stamps_required: int, reward: str) -> str:
    # NOTE: Wallet pass: how the card works; {reward} is what a full card earns ("Free coffee").
    return lang.ngettext(
        "Show the code at the counter to collect a stamp. {count} stamp earns: {reward}.",
        "Show the code at the counter to collect a stamp. {count} stamps earn: {reward}.",
        stamps_required,
        reward=reward,
    )
