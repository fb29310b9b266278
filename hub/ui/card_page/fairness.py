"""/fairness: how a prize draw can be checked, and the check itself for one draw."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import Request
from nicegui import ui

from hub.domain import lottery
from hub.i18n import Lang
from hub.ui.card_page.frame import frame, page_language


def _step(number: int, text: str, command: str | None = None) -> None:
    with ui.row().classes("w-full no-wrap gap-3 items-start"):
        ui.label(str(number)).classes(
            "shrink-0 w-7 h-7 rounded-full bg-amber-700 text-white flex items-center justify-center font-bold"
        )
        with ui.column().classes("gap-1 min-w-0"):
            ui.label(text).classes("text-sm")
            if command:
                ui.label(command).classes("mono-wrap text-xs bg-gray-100 rounded px-2 py-1")


async def fairness_page(request: Request, commitment: str | None = None, lang: str | None = None) -> None:
    language = page_language(request, lang)
    _ = language._
    with frame(language, _("How to check a prize draw"), "/fairness", commitment=commitment):
        ui.label(_("How to check a prize draw")).classes("text-2xl font-bold")
        ui.label(
            _(
                "Every draw is decided by a secret random seed before the reel spins. "
                "You see a seal of that seed first, and the seed itself after the spin, "
                "so the result cannot be changed once the draw has started."
            )
        ).classes("text-sm")
        with ui.card().classes("w-full gap-3"):
            _step(1, _("Before the spin, the card page shows the commitment: the SHA-256 hash of the seed."))
            _step(
                2,
                _("After the spin, it reveals the seed. Its SHA-256 hash must equal the commitment."),
                "printf '%s' SEED | sha256sum",
            )
            _step(
                3,
                _(
                    "The roll is the first 15 hexadecimal digits of the SHA-256 hash of the seed "
                    "followed by :roll, read as one number."
                ),
                "printf '%s' SEED:roll | sha256sum",
            )
            _step(
                4,
                _(
                    "Divide the roll by the sum of all weights and keep the remainder. Walk the prize list "
                    "in order, subtracting each weight; the prize where the remainder drops below zero wins."
                ),
            )
        ui.label(_("Check a draw")).classes("text-lg font-bold mt-2")
        field = (
            ui.input(_("Commitment"), value=commitment or "")
            .props("outlined dense")
            .classes("w-full font-mono")
            .mark("commitment-input")
        )

        def check() -> None:
            ui.navigate.to("/fairness?" + urlencode({"commitment": (field.value or "").strip()}))

        ui.button(_("Check"), on_click=check).props("unelevated").mark("check")
        if commitment:
            await _report(commitment, language)


async def _report(commitment: str, language: Lang) -> None:
    _ = language._
    draw = await lottery.public_draw(commitment)
    if draw is None:
        ui.label(_("No draw has this commitment.")).classes("text-red-800").mark("fairness-result")
        return
    if draw.revealed_at is None:
        ui.label(_("This draw has not been revealed yet. Check again after the spin.")).mark("fairness-result")
        return
    entries = draw.snapshot or []
    total = sum(int(e["weight"]) for e in entries)
    roll = lottery.roll_of(draw.seed)
    index = lottery.pick(draw.seed, entries)
    ok = lottery.verify(draw)
    with ui.card().classes("w-full gap-2"):
        ui.label(
            _("Verified: the seed matches the commitment and reproduces the result.")
            if ok
            else _("Not verified: this draw does not reproduce.")
        ).classes("font-bold " + ("text-green-800" if ok else "text-red-800")).mark("fairness-result")
        for label, value in (
            (_("Commitment"), draw.commitment),
            (_("Seed"), draw.seed),
            (_("SHA-256 of the seed"), lottery.commitment_of(draw.seed)),
            (_("Roll"), str(roll)),
            (_("Total weight"), language.number(total)),
            (_("Remainder"), language.number(roll % total) if total else "–"),
        ):
            ui.label(label).classes("text-xs opacity-70")
            ui.label(value).classes("mono-wrap text-xs")
        ui.label(_("Prize list at the time of the draw")).classes("text-xs opacity-70 mt-2")
        for position, entry in enumerate(entries):
            name = entry["title"] if entry.get("prize_id") else _("No prize")
            marker = " ◀" if position == index else ""
            weight = _("weight {weight}", weight=language.number(entry["weight"]))
            ui.label(f"{position + 1}. {name} — {weight}{marker}").classes(
                "text-sm" + (" font-bold" if position == index else "")
            )
