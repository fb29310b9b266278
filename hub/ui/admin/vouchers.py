"""Issue Voucher: a one-time voucher for any customer, outside the stamp mechanic, and the list
of vouchers issued by hand with who issued them and why."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from nicegui import ui

from hub import clock
from hub.domain import customer_search
from hub.domain.vouchers import issue_manual_voucher, manual_vouchers
from hub.errors import DomainError
from hub.models import CardTemplate
from hub.runtime import runtime
from hub.ui.admin.frame import Section, Session, frame, show_error, when
from hub.ui.admin.owner_pages import admin_page
from hub.ui.admin.section import input_row, section

VALIDITY = {7: "7 days", 14: "14 days", 30: "30 days", 90: "90 days", 0: "No expiry"}
STATES = {"active": "Active", "issued": "Issued", "redeemed": "Redeemed", "expired": "Expired"}


@admin_page("/admin/vouchers", "Issue Voucher")
async def vouchers_page(session: Session) -> None:
    await IssueVoucher(session).build()
    return None


class IssueVoucher:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.chosen: customer_search.CardHit | None = None
        self.form: dict[str, Any] = {"query": "", "title": "", "days": 30, "note": ""}

    async def build(self) -> None:
        titles = sorted(
            set(await CardTemplate.filter(business_id=self.session.business_id).values_list("reward_title", flat=True))
        )
        self.form["title"] = titles[0] if titles else ""
        with frame(self.session, "Issue Voucher"):
            with section(
                "1. Find the customer",
                "By name, email or card number (the number on their card, or scan its code into this field).",
            ):
                ui.input("Name, email or card number").bind_value(self.form, "query").props(
                    "outlined dense clearable debounce=300 autofocus"
                ).classes("w-full sm:w-96").on_value_change(self.search_changed).mark("voucher-search")
                self.results = Section(self.find, self.draw_results, classes="w-full gap-1")
            with section("2. The voucher", "A one-time voucher, e.g. as compensation or goodwill.") as card:
                card.mark("voucher-form")
                self.target = (
                    ui.label("No customer chosen yet.").classes("text-sm text-stone-600").mark("voucher-target")
                )
                with input_row():
                    ui.input("Voucher", autocomplete=titles).bind_value(self.form, "title").props(
                        "outlined dense"
                    ).classes("w-full sm:w-72").mark("voucher-title")
                    ui.select(VALIDITY, label="Valid for").bind_value(self.form, "days").props(
                        "outlined dense"
                    ).classes("w-36").mark("voucher-validity")
                ui.input("Why (kept with the voucher)", placeholder="Coffee spilled, sorry!").bind_value(
                    self.form, "note"
                ).props("outlined dense maxlength=500").classes("w-full").mark("voucher-note")
                self.issue_button = ui.button("Issue voucher", icon="redeem", on_click=self.issue).mark("voucher-issue")
                self.issue_button.disable()
            with section("Issued by hand", "Newest first, with who issued each voucher and why."):
                self.issued = Section(self.load_issued, self.draw_issued, classes="w-full gap-0")
        await self.issued.reload()

    def search_changed(self) -> None:
        if hasattr(self, "results"):  # binding fires before the results exist
            self.results.refresh()

    async def find(self) -> list[customer_search.CardHit]:
        return await customer_search.search_cards(
            self.session.business_id, self.form["query"] or "", secret=runtime().settings.secret_key
        )

    def draw_results(self, hits: list[customer_search.CardHit]) -> None:
        if not (self.form["query"] or "").strip():
            return
        if not hits:
            ui.label("No customer matches.").classes("text-sm text-stone-500").mark("voucher-no-match")
        for hit in hits:
            with (
                ui.row()
                .classes("w-full items-center gap-2 border rounded px-3 py-2 cursor-pointer hover:bg-amber-50")
                .on("click", lambda h=hit: self.choose(h))
                .mark(f"voucher-hit-{hit.number}")
            ):
                ui.label(f"#{hit.number}").classes("font-mono")
                with ui.column().classes("gap-0 grow min-w-0"):
                    ui.label(hit.name).classes("font-medium truncate")
                    ui.label(hit.email or "").classes("text-xs text-stone-500 truncate")
                ui.label(f"{hit.stamps} / {hit.stamps_required}").classes("text-sm text-stone-600")

    def choose(self, hit: customer_search.CardHit) -> None:
        self.chosen = hit
        self.target.text = f"For #{hit.number} - {hit.name}" + (f" ({hit.email})" if hit.email else "")
        self.target.classes(replace="text-base font-bold text-primary")
        self.issue_button.enable()

    async def issue(self) -> None:
        if self.chosen is None:
            ui.notify("Choose a customer first.", type="warning")
            return
        days = int(self.form["days"] or 0)
        expires_at = clock.utcnow() + timedelta(days=days) if days else None
        try:
            voucher = await issue_manual_voucher(
                self.session.business_id,
                self.chosen.card_id,
                title=self.form["title"] or "",
                expires_at=expires_at,
                note=self.form["note"] or "",
                by=f"owner:{self.session.email}",
            )
        except DomainError as error:
            show_error(error)
            return
        ui.notify(f"Voucher “{voucher.title}” issued to {self.chosen.name}.", type="positive")
        self.form["note"] = ""
        await self.issued.reload()

    async def load_issued(self) -> list[Any]:
        return await manual_vouchers(self.session.business_id)

    def draw_issued(self, rows: list[Any]) -> None:
        if not rows:
            ui.label("None yet.").classes("text-sm text-stone-500").mark("voucher-none")
        for row in rows:
            with (
                ui.row()
                .classes("w-full items-start gap-x-3 gap-y-0 border-b py-2 text-sm")
                .mark(f"manual-voucher-{row.id}")
            ):
                with ui.column().classes("gap-0 grow min-w-0"):
                    ui.label(f"{row.title} → #{row.card_number} {row.customer_name}").classes("font-medium")
                    ui.label(row.note or "no reason given").classes("text-stone-600 break-words")
                with ui.column().classes("gap-0 sm:items-end"):
                    ui.label(f"{when(row.created_at)} by {row.by or 'the owner'}").classes("text-stone-500")
                    until = f" · until {when(row.expires_at, zoned=True)}" if row.expires_at else " · no expiry"
                    ui.label(STATES.get(row.state, row.state) + until).classes("text-stone-500")
