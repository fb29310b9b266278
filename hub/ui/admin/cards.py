"""User Stamp Cards: the issued-cards list (filter, search, server-side paging, CSV) and
the detail panel with delete, history + manual stamps, message and coupon. Live."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from nicegui import ui

from hub import clock
from hub.api.types import IdPath, IdQuery
from hub.domain import businesses, campaigns, card_list, journal
from hub.domain.cards import delete_card
from hub.domain.stamps import adjust_stamps
from hub.domain.templates import template_names
from hub.domain.vouchers import issue_manual_voucher
from hub.errors import DomainError, NotFound
from hub.render import colours
from hub.ui.admin.frame import Debounced, Section, Session, frame, notifies_errors, show_error, when
from hub.ui.admin.owner_pages import admin_page
from hub.ui.admin_campaigns.send_message import send_message_dialog
from hub.ui.live import subscribe
from hub.wallet.receipts import history_notes

PLATFORM_ICONS = {
    "web": ("language", "Web card"),
    "apple": ("phone_iphone", "Apple Wallet"),
    "google": ("android", "Google Wallet"),
}
PAGE_SIZES = [25, 50, 100]
SHEET = "max-md:fixed max-md:inset-0 max-md:z-[2100] max-md:w-full max-md:bg-white max-md:overflow-y-auto max-md:p-2"

# Journal rows that change the pass: the history says whether the phone has them yet.
WALLET_NOTED = {"stamp", "stamp_manual", "stamp_removed", "voucher_issued", "voucher_redeemed", "voucher_expired"}


def platform_icons(platforms: list[str]) -> None:
    with ui.row().classes("gap-1 no-wrap"):
        for platform in card_list.PLATFORMS:
            if platform in platforms:
                icon, label = PLATFORM_ICONS[platform]
                ui.icon(icon, size="20px").classes("text-stone-600").tooltip(label).mark(f"platform-{platform}")


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@admin_page("/admin/cards", "User Stamp Cards")
async def cards_page(session: Session, template: IdQuery = None, q: str = "") -> None:
    await CardsView(session, template_id=template, search=q).build()
    return None


@admin_page("/admin/cards/{card_id}", "User Stamp Cards")
async def card_page(session: Session, card_id: IdPath) -> None:
    await CardsView(session, selected=card_id).build()
    return None


class CardsView:
    def __init__(
        self, session: Session, *, template_id: int | None = None, search: str = "", selected: int | None = None
    ) -> None:
        self.session = session
        self.filters: dict[str, Any] = {
            "search": search,
            "platform": "",
            "progress": "",
            "active_voucher": "",
            "after": "",
            "before": "",
            "location_id": "",
            "template_id": template_id or "",
        }
        self.page = 1
        self.page_size = PAGE_SIZES[0]
        self.selected = selected

    def card_filter(self) -> card_list.CardFilter:
        f = self.filters
        voucher = {"yes": True, "no": False}.get(f["active_voucher"] or "")
        return card_list.CardFilter(
            search=f["search"] or "",
            platform=f["platform"] or None,
            progress=f["progress"] or None,
            active_voucher=voucher,
            last_stamp_after=_date(f["after"]),
            last_stamp_before=_date(f["before"]),
            location_id=f["location_id"] or None,
            template_id=f["template_id"] or None,
        )

    async def build(self) -> None:
        business_id = self.session.business_id
        self.locations = {loc.id: loc.name for loc in await businesses.locations_of(business_id)}
        self.templates = await template_names(business_id)
        if self.filters["template_id"] not in self.templates:
            self.filters["template_id"] = ""
        with frame(self.session, "User Stamp Cards"):
            self.filter_bar()
            with ui.row().classes("w-full gap-4 no-wrap items-start"):
                with ui.column().classes("grow gap-0 min-w-0"):
                    self.table = Section(self.load_table, self.draw_table, classes="w-full gap-0")
                # Beside the list on a wide screen; on a phone a full-screen sheet over it, shown
                # only while a card is chosen.
                self.panel_box = ui.column().classes("w-[400px] shrink-0")
                with self.panel_box:
                    self.panel = Section(self.load_panel, self.draw_panel)
            # Dialogs live outside the sections: a live refresh of the panel must not close them.
            self.dialog_host = ui.element()
            await self.table.reload()
            await self.panel.reload()
        self._refresh_list = Debounced(self.table.reload, delay=0.3)
        self._refresh_panel = Debounced(self.panel.reload, delay=0.3)
        subscribe(f"business:{business_id}", self.on_event)

    def filter_bar(self) -> None:
        f = self.filters
        with ui.card().classes("w-full"):
            with ui.row().classes("w-full items-end gap-3"):
                search = (
                    ui.input("Search name, card ID or email")
                    .bind_value(f, "search")
                    .props("outlined dense clearable debounce=300")
                    .classes("w-72")
                    .mark("search")
                )
                search.on_value_change(self.apply)
                ui.select(
                    {"": "Any wallet", **{k: v[1] for k, v in PLATFORM_ICONS.items()}},
                    label="Wallet",
                    on_change=self.apply,
                ).bind_value(f, "platform").props("outlined dense").classes("w-36").mark("filter-platform")
                ui.select(
                    {"": "Any progress", **card_list.PROGRESS}, label="Progress", on_change=self.apply
                ).bind_value(f, "progress").props("outlined dense").classes("w-44").mark("filter-progress")
                ui.select(
                    {"": "Any", "yes": "Has active voucher", "no": "No active voucher"},
                    label="Voucher",
                    on_change=self.apply,
                ).bind_value(f, "active_voucher").props("outlined dense").classes("w-44").mark("filter-voucher")
                ui.input("Last stamp after", on_change=self.apply).bind_value(f, "after").props(
                    "outlined dense type=date stack-label"
                ).classes("w-40").mark("filter-after")
                ui.input("Last stamp before", on_change=self.apply).bind_value(f, "before").props(
                    "outlined dense type=date stack-label"
                ).classes("w-40").mark("filter-before")
                ui.select({"": "Any location", **self.locations}, label="Stamped at", on_change=self.apply).bind_value(
                    f, "location_id"
                ).props("outlined dense").classes("w-40").mark("filter-location")
                if len(self.templates) > 1:
                    ui.select(
                        {"": "Any stamp card", **self.templates}, label="Stamp card", on_change=self.apply
                    ).bind_value(f, "template_id").props("outlined dense").classes("w-40").mark("filter-template")
                ui.space()
                ui.button("Export CSV", icon="download", on_click=self.export).props("outline").mark("export")

    def apply(self, *_: Any) -> None:
        self.page = 1
        if hasattr(self, "table"):  # binding the filter widgets fires this before the list exists
            self.table.refresh()

    def go(self, page: int) -> None:
        self.page = page
        self.table.refresh()

    @notifies_errors
    async def export(self) -> None:
        text = await card_list.export_csv(self.session.business_id, self.card_filter())
        day = clock.utcnow().date().isoformat()
        ui.download.content(text.encode("utf-8-sig"), f"stamp-cards-{day}.csv", "text/csv")

    async def load_table(self) -> card_list.CardPage:
        return await card_list.list_cards(
            self.session.business_id, self.card_filter(), page=self.page, page_size=self.page_size
        )

    def draw_table(self, result: card_list.CardPage) -> None:
        with ui.card().classes("w-full p-0 gap-0"):
            with ui.row().classes("w-full px-4 py-2 text-xs uppercase text-stone-500 no-wrap border-b max-md:hidden"):
                ui.label("ID").classes("w-24")
                ui.label("User").classes("grow")
                ui.label("Progress").classes("w-48")
                ui.label("Wallets").classes("w-24")
                ui.label("").classes("w-14")
            if not result.rows:
                ui.label("No cards match.").classes("p-4 text-stone-500").mark("no-cards")
            for row in result.rows:
                selected = row.id == self.selected
                with (
                    ui.row()
                    .classes(
                        "w-full px-4 py-2 items-center border-b cursor-pointer hover:bg-amber-50 "
                        "max-md:gap-x-2 max-md:gap-y-1 max-md:px-3 md:flex-nowrap"
                        + (" bg-amber-100" if selected else "")
                    )
                    .on("click", lambda r=row: self.select(r.id))
                    .mark(f"card-row-{row.id}")
                ):
                    ui.label(f"#{row.number}").classes("w-24 max-md:w-auto font-mono").mark(f"card-number-{row.number}")
                    with ui.column().classes("grow gap-0 min-w-0 max-md:basis-0"):
                        ui.label(row.name).classes("font-medium truncate")
                        ui.label(row.email or "").classes("text-xs text-stone-500 truncate")
                    with ui.column().classes("w-48 gap-0 max-md:order-last max-md:basis-full max-md:w-auto"):
                        ui.label(f"{row.stamps} / {row.stamps_required}").classes("text-sm").mark(
                            f"card-progress-{row.id}"
                        )
                        ui.linear_progress(value=row.stamps / max(1, row.stamps_required), show_value=False).props(
                            "rounded color=secondary"
                        )
                    with ui.element().classes("w-24 max-md:w-auto"):
                        platform_icons(row.platforms)
                    with ui.link(target=f"/admin/cards/{row.id}/view", new_tab=True).mark(f"view-{row.id}"):
                        ui.icon("visibility", size="20px").classes("text-stone-400").tooltip("View as customer")
                    ui.icon("chevron_right", size="24px").classes("w-8 text-stone-500 max-md:w-6")
        with ui.row().classes("w-full items-center gap-2 pt-2"):
            noun = "card" if result.total == 1 else "cards"
            ui.label(f"{result.total:,} {noun}").classes("text-sm text-stone-500").mark("card-total")
            ui.space()
            ui.select(PAGE_SIZES, value=self.page_size, on_change=lambda e: self.resize(e.value)).props(
                "dense borderless"
            ).classes("w-20")
            ui.button(icon="chevron_left", on_click=lambda: self.go(self.page - 1)).props(
                "flat round dense"
            ).set_enabled(self.page > 1)
            ui.label(f"Page {result.page} of {result.pages}").classes("text-sm").mark("page-label")
            ui.button(icon="chevron_right", on_click=lambda: self.go(self.page + 1)).props("flat round dense").mark(
                "next-page"
            ).set_enabled(self.page < result.pages)

    def resize(self, size: int) -> None:
        self.page_size = int(size)
        self.apply()

    async def select(self, card_id: int) -> None:
        self.selected = card_id
        self.table.refresh()
        self.panel.refresh()
        ui.run_javascript(f"history.replaceState(null, '', '/admin/cards/{card_id}')")

    def close_panel(self) -> None:
        self.selected = None
        self.panel.refresh()
        self.table.refresh()
        ui.run_javascript("history.replaceState(null, '', '/admin/cards')")

    async def load_panel(self) -> card_list.CardDetail | str | None:
        if self.selected is None:
            return None
        try:
            return await card_list.card_detail(self.session.business_id, self.selected)
        except NotFound:
            return "missing"

    def draw_panel(self, detail: card_list.CardDetail | str | None) -> None:
        self.panel_box.classes(
            remove=" ".join((SHEET, "max-md:hidden")), add=SHEET if detail is not None else "max-md:hidden"
        )
        if detail is None:
            with ui.card().classes("w-full text-stone-500"):
                ui.label("Choose a card to see its details.")
        elif isinstance(detail, str):
            with ui.card().classes("w-full").mark("card-missing"):
                ui.label("No such card. It may have been deleted.").classes("text-stone-600")
        else:
            DetailPanel(self, detail).build()

    def on_event(self, event: dict[str, Any]) -> None:
        if not str(event.get("type", "")).startswith(("card.", "voucher.")):
            return
        self._refresh_list()
        if event.get("card_id") == self.selected:
            self._refresh_panel()


class DetailPanel:
    def __init__(self, view: CardsView, detail: card_list.CardDetail) -> None:
        self.view = view
        self.detail = detail
        self.business_id = view.session.business_id

    def build(self) -> None:
        d = self.detail
        card, template = d.card, d.template
        with ui.card().classes("w-full gap-3").mark("card-detail"):
            with ui.row().classes("w-full items-center no-wrap"):
                ui.label(f"#{card.number} - {d.customer.name}").classes(
                    "text-lg font-bold grow min-w-0 break-words"
                ).mark("detail-title")
                ui.button("Delete", icon="delete", on_click=self.confirm_delete).props("flat color=negative").mark(
                    "delete-card"
                )
                ui.button(icon="close", on_click=self.view.close_panel).props('flat round dense aria-label="Close"')
            self.reward_image()
            with ui.row().classes("items-center gap-1"):
                ui.label("Card number").classes("text-xs text-stone-500 w-28")
                ui.label(str(card.number)).classes("font-mono").mark("detail-number")
                ui.button(icon="content_copy", on_click=lambda: self.copy(str(card.number))).props(
                    "flat round dense size=sm"
                ).tooltip("Copy")
                ui.button(
                    icon="open_in_new", on_click=lambda: ui.navigate.to(f"/admin/cards/{card.id}/view", new_tab=True)
                ).props("flat round dense size=sm").tooltip("Open the card as the customer sees it")
            self.field("Stamp card", f"#{template.id} {template.name} · v{card.template_version}", "detail-template")
            with ui.row().classes("items-center gap-1"):
                ui.label("Issued for").classes("text-xs text-stone-500 w-28")
                platform_icons(card.platforms or [])
                ui.label(", ".join(PLATFORM_ICONS[p][1] for p in card.platforms or [] if p in PLATFORM_ICONS)).classes(
                    "text-sm"
                )
            if d.customer.email:
                self.field("Email", d.customer.email, "detail-email")
            self.field("Created at", when(card.created_at, zoned=True), "detail-created")
            self.field("Last stamp at", when(card.last_stamp_at, "never", zoned=True), "detail-last-stamp")
            with ui.column().classes("w-full gap-1"):
                ui.label(f"{card.stamps} / {template.stamps_required} • {d.percent}%").classes("font-bold").mark(
                    "detail-progress"
                )
                ui.linear_progress(value=d.percent / 100, show_value=False).props("rounded size=10px color=secondary")
            if card.rounds_completed:
                ui.label(f"Rewards earned so far: {card.rounds_completed}").classes("text-sm text-stone-600")
            with ui.row().classes("w-full gap-2"):
                ui.button("View history", icon="history", on_click=self.history).props("outline").mark("view-history")
                ui.button("Send message", icon="send", on_click=self.message).props("outline").mark("send-message")
                ui.button("Issue coupon", icon="redeem", on_click=self.coupon).props("outline").mark("issue-coupon")
                ui.button(
                    "View as customer",
                    icon="visibility",
                    on_click=lambda: ui.navigate.to(f"/admin/cards/{card.id}/view", new_tab=True),
                ).props("flat").mark("view-as-customer")

    @staticmethod
    def field(label: str, value: str, marker: str) -> None:
        with ui.row().classes("items-center gap-1 no-wrap"):
            ui.label(label).classes("text-xs text-stone-500 w-28 shrink-0")
            ui.label(value).classes("text-sm min-w-0 break-words").mark(marker)

    def reward_image(self) -> None:
        d = self.detail
        design = d.version_snapshot.get("design") or d.template.design
        title = d.version_snapshot.get("reward_title") or d.template.reward_title
        with (
            ui.element()
            .classes("w-full rounded-lg overflow-hidden")
            .style(f"background:{colours.css(design, 'background')};color:{colours.css(design, 'foreground')}")
            .mark("reward-image")
        ):
            if design.get("strip"):
                ui.image(design["strip"]).classes("w-full h-24").props("fit=cover")
            with ui.row().classes("items-center gap-2 p-3"):
                ui.icon("redeem", size="28px").style(f"color:{colours.css(design, 'accent')}")
                with ui.column().classes("gap-0"):
                    ui.label("Current reward").classes("text-xs opacity-80")
                    ui.label(title).classes("font-bold")
        for voucher in d.active_vouchers:
            ui.label(
                f"Active voucher: {voucher.title}"
                + (f" (until {when(voucher.expires_at, zoned=True)})" if voucher.expires_at else "")
            ).classes("text-sm text-green-800").mark(f"active-voucher-{voucher.id}")

    def copy(self, text: str) -> None:
        ui.clipboard.write(text)
        ui.notify("Card number copied.")

    async def confirm_delete(self) -> None:
        card = self.detail.card
        with self.view.dialog_host, ui.dialog() as dialog, ui.card().mark("delete-dialog"):
            ui.label(f"Delete card #{card.number} of {self.detail.customer.name}?").classes("text-lg font-bold")
            ui.label("The card stops working everywhere and its open vouchers expire. The journal keeps its history.")
            with ui.row():
                ui.button("Cancel", on_click=dialog.close).props("flat")
                ui.button("Delete", on_click=lambda: dialog.submit(True)).props("color=negative").mark("confirm-delete")
        if not await dialog:
            return
        try:
            await delete_card(self.business_id, card.id, actor=f"owner:{self.view.session.email}")
        except DomainError as error:
            show_error(error)
            return
        ui.notify(f"Card #{card.number} deleted.")
        self.view.close_panel()

    async def history(self) -> None:
        card = self.detail.card
        with (
            self.view.dialog_host,
            ui.dialog() as dialog,
            ui.card().classes("w-full sm:w-[720px] max-w-full").mark("history-dialog"),
        ):
            with ui.row().classes("w-full items-center"):
                ui.label(f"History of #{card.number} - {self.detail.customer.name}").classes("text-lg font-bold")
                ui.space()
                ui.button(icon="close", on_click=dialog.close).props("flat round dense")
            with ui.row().classes("items-end gap-2"):
                amount = (
                    ui.number("Stamps", value=1, min=1, max=100, precision=0)
                    .props("outlined dense")
                    .classes("w-24")
                    .mark("adjust-amount")
                )
                note = ui.input("Note (why)").props("outlined dense").classes("w-64").mark("adjust-note")

                @notifies_errors
                async def adjust(sign: int) -> None:
                    await adjust_stamps(
                        self.business_id,
                        card.id,
                        sign * int(amount.value or 0),
                        note=note.value or "",
                        actor=f"owner:{self.view.session.email}",
                    )
                    ui.notify("Stamp added." if sign > 0 else "Stamp removed.", type="positive")
                    note.value = ""
                    await events.refresh()
                    self.view.panel.refresh()
                    self.view.table.refresh()

                ui.button("Add", icon="add", on_click=lambda: adjust(1)).mark("add-stamps")
                ui.button("Remove", icon="remove", on_click=lambda: adjust(-1)).props("outline").mark("remove-stamps")

            @ui.refreshable
            async def events() -> None:
                rows = await journal.entries(self.business_id, journal.JournalFilter(card_id=card.id), limit=500)
                wallet_notes = await history_notes(card.id, [r.created_at for r in rows if r.kind in WALLET_NOTED])
                with ui.column().classes("w-full gap-0 max-h-[60vh] overflow-auto"):
                    for row in rows:
                        with ui.row().classes("w-full no-wrap gap-3 py-1 border-b text-sm").mark(f"event-{row.id}"):
                            ui.label(when(row.created_at)).classes("w-36 shrink-0 text-stone-500")
                            ui.label(row.label).classes("w-48 shrink-0 font-medium")
                            ui.label(row.summary).classes("grow")
                            ui.label(" · ".join(x for x in (row.location, row.seat) if x)).classes("text-stone-500")
                            if row.created_at in wallet_notes:
                                ui.label(wallet_notes[row.created_at]).classes("text-stone-500").mark("wallet-receipt")
                messages = await campaigns.card_messages(card.id)
                if messages:
                    ui.label("Messages and campaigns").classes("font-bold pt-2")
                    for message in messages:
                        with ui.row().classes("w-full no-wrap gap-3 py-1 border-b text-sm").mark("message-row"):
                            ui.label(message["at"][:16].replace("T", " ")).classes("w-36 shrink-0 text-stone-500")
                            ui.label(message["campaign"]).classes("grow")
                            ui.label(f"{message['channel']}: {message['status']}").classes("text-stone-500")

            await events()
        dialog.open()

    async def message(self) -> None:
        # The campaigns surface owns channels and delivery; the dialog lives outside the panel
        # so a live refresh of the panel does not close it.
        with self.view.dialog_host:
            await send_message_dialog(self.business_id, self.detail.card.id, self.detail.customer.name)

    async def coupon(self) -> None:
        card = self.detail.card
        default_expiry = (clock.utcnow() + timedelta(days=30)).date().isoformat()
        with (
            self.view.dialog_host,
            ui.dialog() as dialog,
            ui.card().classes("w-full sm:w-[440px] max-w-full").mark("coupon-dialog"),
        ):
            ui.label(f"Issue a coupon to {self.detail.customer.name}").classes("text-lg font-bold")
            ui.label("A one-time voucher outside the stamp mechanic, e.g. as compensation or goodwill.").classes(
                "text-sm text-stone-600"
            )
            title = (
                ui.input("Voucher", value=self.detail.template.reward_title)
                .props("outlined dense")
                .classes("w-full")
                .mark("coupon-title")
            )
            expiry = (
                ui.input("Valid until", value=default_expiry)
                .props("outlined dense type=date stack-label")
                .classes("w-full")
                .mark("coupon-expiry")
            )
            note = ui.input("Note (for the journal)").props("outlined dense").classes("w-full").mark("coupon-note")

            async def issue() -> None:
                day = _date(expiry.value)
                expires_at = datetime.combine(day, time.max, tzinfo=UTC) if day else None
                try:
                    voucher = await issue_manual_voucher(
                        self.business_id,
                        card.id,
                        title=title.value or "",
                        expires_at=expires_at,
                        note=note.value or "",
                        by=f"owner:{self.view.session.email}",
                    )
                except DomainError as error:
                    show_error(error)
                    return
                ui.notify(f"Voucher “{voucher.title}” issued.", type="positive")
                dialog.close()
                self.view.panel.refresh()

            with ui.row():
                ui.button("Cancel", on_click=dialog.close).props("flat")
                ui.button("Issue coupon", icon="redeem", on_click=issue).mark("coupon-submit")
        dialog.open()
