"""The lottery draw as the customer watches it: commitment first, then the reel, then the seed.

The outcome is already decided and stored when this runs; the reel only shows it. The
seed is read from the reveal, after the reel has stopped.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import quote

from nicegui import ui

from hub.domain.lottery import reveal_draw
from hub.errors import NotFound
from hub.i18n import Lang
from hub.models import LotteryDraw

ROW_PX = 56
LOOPS = 6
SPIN_SECONDS = 3.2

SPIN_CSS = f"""
.reel-window {{ height: {ROW_PX}px; overflow: hidden; border-radius: 12px; background: #1f1610;
  color: #fff8ef; width: 100%; position: relative; }}
.reel-window::after {{ content: ''; position: absolute; inset: 0; pointer-events: none;
  box-shadow: inset 0 10px 10px -8px #000, inset 0 -10px 10px -8px #000; }}
.reel-strip {{ transition: transform {SPIN_SECONDS}s cubic-bezier(.12,.75,.16,1); }}
.reel-item {{ height: {ROW_PX}px; display: flex; align-items: center; justify-content: center;
  font-size: 1.25rem; font-weight: 700; white-space: nowrap; }}
"""


class LotterySpinner:
    """Plays a card's draws one after another in a dialog; `on_finished` runs after each."""

    def __init__(self, token: str, lang: Lang, on_finished: Callable[[], Awaitable[None] | None]) -> None:
        self.token = token
        self.lang = lang
        self.on_finished = on_finished
        self.queue: list[int] = []
        self.seen: set[int] = set()
        self.playing = False
        ui.add_css(SPIN_CSS)
        self.dialog = ui.dialog().props("persistent")

    def enqueue(self, draw_id: int) -> None:
        if draw_id in self.seen:
            return
        self.seen.add(draw_id)
        self.queue.append(draw_id)
        if not self.playing:
            ui.timer(0.05, self._next, once=True)

    async def _next(self) -> None:
        if self.playing or not self.queue:
            return
        self.playing = True  # before the read: a second queued timer must not start a parallel spin
        draw = await LotteryDraw.get_or_none(id=self.queue.pop(0), card__token=self.token)
        if draw is None:
            self.playing = False
            await self._next()
            return
        self._show(draw)

    def _label(self, entry: dict) -> str:
        return entry["title"] if entry.get("prize_id") else self.lang._("No prize")

    def _show(self, draw: LotteryDraw) -> None:
        _ = self.lang._
        entries = draw.snapshot or [{"prize_id": None, "title": "", "weight": 1}]
        won = next((i for i, e in enumerate(entries) if e.get("prize_id") == draw.prize_id), len(entries) - 1)
        # Loops of the pool, then a stop on the outcome: the reel lands where the draw decided.
        strip = [self._label(e) for _ in range(LOOPS) for e in entries] + [self._label(entries[won])]
        self.dialog.clear()
        with self.dialog, ui.card().classes("w-full items-stretch gap-3").style("max-width:400px"):
            ui.label(_("Prize draw")).classes("text-xl font-bold text-center")
            ui.label(_("Sealed before the spin (SHA-256 of the secret seed):")).classes("text-xs opacity-70")
            ui.label(draw.commitment).classes("mono-wrap text-xs").mark("commitment")
            with ui.element("div").classes("reel-window"):
                reel = ui.element("div").classes("reel-strip").mark("reel")
                with reel:
                    for text in strip:
                        ui.label(text).classes("reel-item")
            result = ui.column().classes("w-full items-center gap-2")
            with result:
                ui.spinner("dots", size="lg")

        def start() -> None:
            reel.style(f"transform: translateY(-{(len(strip) - 1) * ROW_PX}px)")

        async def finish() -> None:
            try:
                revealed = await reveal_draw(self.token, draw.id)
            except NotFound:  # the card was deleted mid-spin; the page says so behind the dialog
                self.dialog.close()
                self.playing = False
                return
            result.clear()
            with result:
                if revealed.prize_id:
                    ui.label(_("You won: {prize}!", prize=self._label(entries[won]))).classes(
                        "text-xl font-bold text-green-800 text-center"
                    ).mark("lottery-result")
                    ui.label(_("Your prize is now in your vouchers.")).classes("text-sm")
                else:
                    ui.label(_("No prize this time. Better luck next draw!")).classes(
                        "text-lg font-bold text-center"
                    ).mark("lottery-result")
                ui.label(_("Secret seed, revealed now:")).classes("text-xs opacity-70 self-start")
                ui.label(revealed.seed).classes("mono-wrap text-xs").mark("seed")
                ui.link(_("Check that this draw was fair"), f"/fairness?commitment={quote(revealed.commitment)}")
                ui.button(_("Close"), on_click=self._close).props("unelevated").classes("w-full").mark("close-draw")
            # The prize joins the voucher list behind the dialog the moment it is revealed.
            finished = self.on_finished()
            if finished is not None:
                await finished

        self.dialog.open()
        ui.timer(0.2, start, once=True)
        ui.timer(0.2 + SPIN_SECONDS + 0.3, finish, once=True)

    async def _close(self) -> None:
        self.dialog.close()
        self.playing = False
        if self.queue:
            await self._next()
