"""Journal: every card operation, newest first, filterable, live."""

from __future__ import annotations

from datetime import date
from typing import Any

from nicegui import ui

from hub.domain import journal
from hub.models import Location, StaffSeat
from hub.ui.admin.frame import Debounced, Section, Session, frame, when
from hub.ui.admin.owner_pages import admin_page
from hub.ui.live import subscribe

PAGE = 50


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@admin_page("/admin/journal", "Journal")
async def journal_page(session: Session) -> None:
    await JournalView(session).build()
    return None


class JournalView:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.filters: dict[str, Any] = {"kind": "", "location_id": "", "seat_id": "", "from": "", "to": ""}
        self.pages = 1  # pages shown; each continues below the previous one, so live refreshes leave no gaps

    def journal_filter(self) -> journal.JournalFilter:
        f = self.filters
        return journal.JournalFilter(
            kind=f["kind"] or None,
            location_id=f["location_id"] or None,
            seat_id=f["seat_id"] or None,
            day_from=_date(f["from"]),
            day_to=_date(f["to"]),
        )

    async def build(self) -> None:
        business_id = self.session.business_id
        locations = {loc.id: loc.name for loc in await Location.filter(business_id=business_id).order_by("id")}
        seats = {seat.id: seat.name for seat in await StaffSeat.filter(business_id=business_id).order_by("id")}
        f = self.filters
        with frame(self.session, "Journal"):
            with ui.card().classes("w-full"):
                with ui.row().classes("items-end gap-3"):
                    ui.select(
                        {"": "All operations", **journal.KINDS}, label="Operation", on_change=self.apply
                    ).bind_value(f, "kind").props("outlined dense").classes("w-56").mark("journal-kind")
                    ui.select({"": "All locations", **locations}, label="Location", on_change=self.apply).bind_value(
                        f, "location_id"
                    ).props("outlined dense").classes("w-44").mark("journal-location")
                    ui.select({"": "All staff", **seats}, label="Staff login", on_change=self.apply).bind_value(
                        f, "seat_id"
                    ).props("outlined dense").classes("w-44").mark("journal-seat")
                    ui.input("From", on_change=self.apply).bind_value(f, "from").props(
                        "outlined dense type=date stack-label"
                    ).classes("w-40").mark("journal-from")
                    ui.input("To", on_change=self.apply).bind_value(f, "to").props(
                        "outlined dense type=date stack-label"
                    ).classes("w-40").mark("journal-to")
            self.rows = Section(self.load, self.draw)
            await self.rows.reload()
        self._live = Debounced(self.rows.reload, delay=0.3)
        subscribe(f"business:{business_id}", self.on_event)

    def apply(self, *_: Any) -> None:
        self.pages = 1
        if hasattr(self, "rows"):  # binding the filter widgets fires this before the list exists
            self.rows.refresh()

    async def load(self) -> tuple[list[journal.JournalRow], bool]:
        """The rows of every page shown so far, and whether older ones exist."""
        rows: list[journal.JournalRow] = []
        more = False
        for _ in range(self.pages):
            before = rows[-1].id if rows else None
            entries = await journal.entries(
                self.session.business_id, self.journal_filter(), before_id=before, limit=PAGE
            )
            rows.extend(entries)
            more = len(entries) == PAGE
            if not more:
                break
        return rows, more

    def draw(self, data: tuple[list[journal.JournalRow], bool]) -> None:
        rows, more = data
        with ui.card().classes("w-full p-0 gap-0"):
            with ui.row().classes("w-full px-4 py-2 text-xs uppercase text-stone-500 no-wrap border-b max-md:hidden"):
                for label, width in (
                    ("When", "w-36"),
                    ("Operation", "w-48"),
                    ("Card", "w-56"),
                    ("Detail", "grow"),
                    ("Where", "w-56"),
                    ("", "w-10"),
                ):
                    ui.label(label).classes(width)
            for row in rows:
                self.row(row)
            if not rows:
                ui.label("Nothing here yet.").classes("p-4 text-stone-500").mark("journal-empty")
        if more:
            ui.button("Load older", on_click=self.more).props("flat").mark("journal-more")

    @staticmethod
    def row(row: journal.JournalRow) -> None:
        href = f"/admin/cards/{row.card_id}/view?as_of={row.id}"
        # A table row on a wide screen; on a phone the same cells stacked into a small card.
        with (
            ui.row()
            .classes("w-full px-4 py-2 items-center border-b text-sm md:flex-nowrap max-md:gap-x-2 max-md:gap-y-0")
            .mark(f"journal-{row.id}")
        ):
            if row.scanned_at:  # queued offline: both times
                with ui.column().classes("w-36 gap-0 text-stone-500 max-md:w-auto"):
                    ui.label(f"scanned {when(row.scanned_at)}").mark(f"journal-scanned-{row.id}")
                    ui.label(f"synced {when(row.created_at)}").classes("text-xs")
            else:
                ui.label(when(row.created_at)).classes("w-36 text-stone-500 max-md:w-auto")
            ui.label(row.label).classes("w-48 font-medium max-md:w-auto max-md:grow")
            ui.label(f"#{row.card_number} {row.customer_name}").classes("w-56 truncate max-md:basis-full")
            ui.label(row.summary).classes("grow truncate max-md:basis-full")
            ui.label(" · ".join(x for x in (row.location, row.seat) if x) or "—").classes(
                "w-56 text-stone-500 max-md:w-auto max-md:grow"
            )
            with ui.link(target=href, new_tab=True).classes("w-10").mark(f"journal-view-{row.id}"):
                ui.icon("visibility").tooltip("What the customer saw after this")

    def more(self) -> None:
        self.pages += 1
        self.rows.refresh()

    def on_event(self, event: dict[str, Any]) -> None:
        if str(event.get("type", "")).startswith(("card.", "voucher.")):
            self._live()
