"""The side panels of the staff scanner: redeem code, customer search, live feed."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from datetime import UTC, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from nicegui import ui

from hub import clock
from hub.domain.customer_search import CardHit
from hub.ui.live import subscribe
from hub.ui.scanner.desk import Desk
from hub.ui.scanner.rewards import waiting_rewards
from hub.ui.scanner.verdicts import Verdict, Waiting

Show = Callable[[Verdict], None]


def redeem_panel(desk: Desk, show: Show) -> None:
    async def redeem() -> None:
        if not (code.value or "").strip():
            return
        verdict = await desk.redeem_code(code.value)
        show(verdict)
        if verdict.good:
            code.value = ""

    with ui.card().classes("w-full"):
        ui.label("Redeem code").classes("text-lg font-bold")
        with ui.row().classes("w-full no-wrap items-center"):
            code = (
                ui.input(placeholder="XXXX-XXXX")
                .props("outlined dense autocapitalize=characters")
                .classes("flex-grow font-mono")
                .mark("redeem-code")
            )
            code.on("keydown.enter", redeem)
            ui.button("Redeem", on_click=redeem).props("unelevated").mark("redeem")


def search_panel(desk: Desk, show: Show) -> None:
    hits: list[CardHit] = []
    searched = {"query": ""}

    async def search() -> None:
        searched["query"] = (query.value or "").strip()
        hits[:] = await desk.search(searched["query"])
        results.refresh()

    async def after(verdict: Verdict) -> None:
        show(verdict)
        hits[:] = await desk.search(searched["query"])
        results.refresh()

    async def stamp(hit: CardHit) -> None:
        await after(await desk.stamp_number(hit.number))

    @ui.refreshable
    def results() -> None:
        if searched["query"] and not hits:
            ui.label("No customer found. Check the spelling or ask for the card number.").classes(
                "text-sm opacity-70"
            ).mark("search-empty")
        for hit in hits:
            with ui.row().classes("w-full items-center no-wrap gap-2").mark(f"hit-{hit.number}"):
                with ui.column().classes("gap-0 flex-grow"):
                    ui.label(hit.name).classes("font-medium")
                    ui.label(f"#{hit.number} · {hit.email or 'no email'}").classes("text-xs opacity-70")
                ui.label(f"{hit.stamps} / {hit.stamps_required}").classes("font-bold")
                ui.button("Stamp", on_click=lambda h=hit: stamp(h)).props("unelevated dense").mark(
                    f"stamp-{hit.number}"
                )
            waiting = [Waiting(voucher_id, title) for voucher_id, title in hit.vouchers]
            with ui.element("div").classes("w-full rounded bg-amber-100 p-2 text-amber-950" if waiting else "hidden"):
                waiting_rewards(desk, waiting, hit.name, after, props="unelevated no-caps dense color=amber-9")

    with ui.card().classes("w-full"):
        ui.label("Search customer").classes("text-lg font-bold")
        with ui.row().classes("w-full no-wrap items-center"):
            query = (
                ui.input(placeholder="Email, card number or name")
                .props("outlined dense clearable")
                .classes("flex-grow")
                .mark("search")
            )
            query.on("keydown.enter", search)
            ui.button(icon="search", on_click=search).props("unelevated").mark("search-button")
        results()


class LiveFeed:
    """Stamps given at this location by the other seats, as they happen."""

    def __init__(self, location_id: int, seat_id: int, timezone_name: str = "UTC", size: int = 12) -> None:
        self.seat_id = seat_id
        try:
            self.tz: tzinfo = ZoneInfo(timezone_name)
        except (ZoneInfoNotFoundError, ValueError):
            self.tz = UTC
        self.items: deque[dict[str, Any]] = deque(maxlen=size)
        with ui.card().classes("w-full"):
            ui.label("Live at this location").classes("text-lg font-bold")
            self.render()
        subscribe(f"location:{location_id}", self.receive)

    def receive(self, event: dict[str, Any]) -> None:
        if event.get("type") != "card.stamped" or event.get("seat_id") == self.seat_id:
            return
        self.items.appendleft({**event, "at": clock.utcnow()})
        self.render.refresh()

    @ui.refreshable_method
    def render(self) -> None:
        if not self.items:
            ui.label("Stamps by other seats show up here.").classes("text-sm opacity-70")
        with ui.column().classes("w-full gap-1").mark("feed"):
            for item in self.items:
                who = item.get("seat_name") or "Another device"
                what = "earned a reward" if item.get("reward") else f"{item['stamps']} / {item['stamps_required']}"
                with ui.row().classes("w-full no-wrap items-center gap-2"):
                    ui.icon("emoji_events" if item.get("reward") else "local_cafe").classes("text-amber-700")
                    ui.label(f"{who} stamped #{item['number']} · {what}").classes("flex-grow").mark("feed-item")
                    ui.label(item["at"].astimezone(self.tz).strftime("%H:%M:%S")).classes("text-xs opacity-60")
