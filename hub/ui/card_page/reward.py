"""What a full card promises, in the customer's language, on every surface that shows a card."""

from __future__ import annotations

from hub.i18n import Lang


def reward_text(lang: Lang, reward_title: str, prizes: list[str] | None = None) -> str:
    """What a full card gives: on a lottery card the spin and what it can win, else the reward."""
    if prizes:
        return lang._("Fill the card: spin for {prizes}", prizes=lang.either(prizes))
    return lang._("Reward: {reward}", reward=reward_title)
