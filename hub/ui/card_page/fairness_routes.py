"""/fairness: how a prize draw can be checked, and the check itself for one draw.

A plain GET form: the page works without JavaScript, and a check is a link one can share.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from hub.domain import lottery
from hub.i18n import Lang
from hub.models import LotteryDraw
from hub.ui.card_page.html import page, page_language

PATH = "/fairness"


async def fairness_page(request: Request, commitment: str | None = None, lang: str | None = None) -> HTMLResponse:
    language = page_language(request, lang)
    report = await _report(commitment, language) if commitment else None
    return page(
        "fairness.html",
        language,
        title=language._("How to check a prize draw"),
        path=PATH,
        params={"commitment": commitment or None},
        action=PATH,
        commitment=commitment or "",
        report=report,
    )


async def _report(commitment: str, language: Lang) -> dict[str, Any]:
    _ = language._
    draw = await lottery.public_draw(commitment)
    if draw is None:
        return {"verdict": _("No draw has this commitment."), "tone": "bad"}
    if draw.revealed_at is None:
        return {"verdict": _("This draw has not been revealed yet. Check again after the spin.")}
    ok = lottery.verify(draw)
    verdict = (
        _("Verified: the seed matches the commitment and reproduces the result.")
        if ok
        else _("Not verified: this draw does not reproduce.")
    )
    return {"verdict": verdict, "tone": "good" if ok else "bad", **_workings(draw, language)}


def _workings(draw: LotteryDraw, language: Lang) -> dict[str, Any]:
    """Every number a customer needs to redo the draw by hand, and the prize list it walked."""
    _ = language._
    entries = draw.snapshot or []
    total = sum(int(e["weight"]) for e in entries)
    roll = lottery.roll_of(draw.seed)
    index = lottery.pick(draw.seed, entries)
    facts = [
        (_("Commitment"), draw.commitment),
        (_("Seed"), draw.seed),
        (_("SHA-256 of the seed"), lottery.commitment_of(draw.seed)),
        (_("Roll"), str(roll)),
        (_("Total weight"), language.number(total)),
        (_("Remainder"), language.number(roll % total) if total else "–"),
    ]
    prizes = []
    for position, entry in enumerate(entries):
        name = entry["title"] if entry.get("prize_id") else _("No prize")
        weight = _("weight {weight}", weight=language.number(entry["weight"]))
        won = position == index
        prizes.append({"text": f"{position + 1}. {name} — {weight}{' ◀' if won else ''}", "won": won})
    return {"facts": facts, "prizes": prizes}
