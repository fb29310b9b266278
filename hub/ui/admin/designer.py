"""Stamp cards: the list of templates and the Card Designer with live preview."""

from __future__ import annotations

import copy
from typing import Any

from fastapi.responses import RedirectResponse
from nicegui import events, ui

from hub.api.types import IdPath
from hub.domain import lottery, lottery_pools, setup, templates
from hub.errors import DomainError
from hub.ui.admin import previews, uploads
from hub.ui.admin.frame import Session, frame, notifies_errors, show_error
from hub.ui.admin.owner_pages import admin_page
from hub.ui.live import subscribe

STAMP_ICONS = {
    "local_cafe": "Coffee cup",
    "emoji_food_beverage": "Tea",
    "bakery_dining": "Croissant",
    "cake": "Cake",
    "icecream": "Ice cream",
    "local_pizza": "Pizza",
    "lunch_dining": "Burger",
    "restaurant": "Cutlery",
    "local_bar": "Cocktail",
    "sports_bar": "Beer",
    "content_cut": "Scissors",
    "spa": "Spa",
    "pets": "Paw",
    "local_florist": "Flower",
    "star": "Star",
    "favorite": "Heart",
}


UPLOAD_CSS = """
.image-upload .q-uploader__subtitle, .image-upload .q-uploader__list { display: none; }
.image-upload .q-uploader__title { white-space: normal; font-size: 0.8rem; }
"""


@admin_page("/admin/templates", "Stamp cards")
async def templates_page(session: Session) -> None:

    @notifies_errors
    async def create() -> None:
        template = await templates.create_template(session.business_id, (name.value or "").strip() or "Stamp card")
        ui.navigate.to(f"/admin/templates/{template.id}")

    with frame(session, "Stamp cards"):
        with ui.row().classes("items-end gap-2"):
            name = ui.input("New stamp card", placeholder="e.g. Coffee card").props("outlined dense").mark("new-name")
            ui.button("Create", icon="add", on_click=create).mark("create-template")
        items = await templates.list_templates(session.business_id)
        if not items:
            ui.label("No stamp cards yet: create your first one above.").classes("text-stone-500")
        with ui.row().classes("w-full gap-4"):
            for item in items:
                template = item["template"]
                with ui.card().classes("w-80").mark(f"template-{template.id}"):
                    previews.web_card(previews.safe_values(templates.snapshot(template)), 0)
                    ui.label(template.name).classes("font-bold text-lg")
                    ui.label(
                        f"v{template.version} · {item['cards']:,} issued cards"
                        + (" · unpublished changes" if item["has_draft"] else "")
                    ).classes("text-sm text-stone-500")
                    with ui.row().classes("gap-2"):
                        ui.button(
                            "Design",
                            icon="brush",
                            on_click=lambda t=template: ui.navigate.to(f"/admin/templates/{t.id}"),
                        )
                        ui.button(
                            "Cards",
                            icon="people",
                            on_click=lambda t=template: ui.navigate.to(f"/admin/cards?template={t.id}"),
                        ).props("flat")
                    with (
                        ui.link(target=f"/admin/templates/{template.id}/preview", new_tab=True)
                        .classes("text-sm flex items-center gap-1")
                        .mark(f"view-as-customer-{template.id}")
                    ):
                        ui.icon("open_in_new")
                        ui.label("View as customer")
                    _poster_links(template.id)
    return None


def _poster_links(template_id: int) -> None:
    with ui.row().classes("gap-2 items-center text-sm"):
        ui.icon("qr_code_2")
        ui.label("Join poster:")
        for kind in POSTER_FORMATS:
            ui.link(kind.upper(), f"/admin/templates/{template_id}/poster.{kind}", new_tab=True).mark(f"poster-{kind}")


POSTER_FORMATS = ("png", "svg", "pdf")


@admin_page("/admin/templates/{template_id}/preview")
async def customer_preview(session: Session, template_id: IdPath) -> RedirectResponse:
    """ "View as customer": the read-only customer view of this template's preview card, which
    is what a customer joining now would get."""
    try:
        card = await templates.preview_card(session.business_id, template_id)
    except DomainError:
        return RedirectResponse("/admin/templates", status_code=303)
    return RedirectResponse(f"/admin/cards/{card.id}/view", status_code=303)


@admin_page("/admin/templates/{template_id}/poster.{fmt}")
async def poster_download(session: Session, template_id: IdPath, fmt: str) -> RedirectResponse:
    """The owner's way to the public poster: the first download ticks "Print the QR poster"."""
    if fmt not in POSTER_FORMATS:
        return RedirectResponse("/admin/templates", status_code=303)
    try:
        await templates.get_template(session.business_id, template_id)
    except DomainError:
        return RedirectResponse("/admin/templates", status_code=303)
    await setup.poster_printed(session.business_id)
    return RedirectResponse(f"/join/{template_id}/poster.{fmt}", status_code=303)


@admin_page("/admin/templates/{template_id}", "Card Designer")
async def designer_page(session: Session, template_id: IdPath) -> None:
    try:
        template = await templates.get_template(session.business_id, template_id)
    except DomainError:
        with frame(session, "Stamp cards"):
            ui.label("This stamp card does not exist.").classes("text-lg").mark("not-found")
        return None
    values = await templates.load_draft(session.business_id, template.id)
    issued = await templates.issued_cards(template.id)
    await Designer(session, template, values, issued).build()
    return None


class Designer:
    def __init__(self, session: Session, template: Any, values: dict[str, Any], issued: int) -> None:
        self.session = session
        self.template = template
        self.values = values
        self.issued = issued
        self.preview_stamps = {"n": min(3, values["stamps_required"])}

    def changed(self, *_: Any) -> None:
        if hasattr(self, "slider"):
            self.slider.props(f"max={previews.safe_values(self.values)['stamps_required']}")
        self.preview.refresh()
        self.warning.refresh()

    async def attach_pool(self, e: Any) -> None:
        if e.value == self.pool["id"]:
            return
        try:
            await lottery_pools.attach_pool(self.session.business_id, self.template.id, e.value)
        except DomainError as error:
            show_error(error)
            return
        self.pool["id"] = e.value
        if e.value is not None:
            ui.notify(f"Full cards of this stamp card draw from “{self.pools[e.value]}”.", type="positive")

    async def build(self) -> None:
        self.pools = await lottery_pools.pool_choices(self.session.business_id)
        attached = await lottery.pool_for_template(self.template)
        self.pool = {"id": attached.id if attached else None}
        ui.add_css(UPLOAD_CSS)
        with frame(self.session, "Stamp cards"):
            with ui.row().classes("w-full items-center"):
                ui.link("← All stamp cards", "/admin/templates").classes("text-sm")
                ui.space()
                self.status = ui.label().classes("text-sm text-stone-500").mark("designer-status")
                self._status()
            with ui.row().classes("w-full gap-6 no-wrap max-xl:flex-wrap items-start"):
                with ui.card().classes("w-full md:w-[420px] shrink-0"):
                    self.form()
                with ui.column().classes("gap-3 grow"):
                    self.warning()
                    with ui.row().classes("items-center gap-2"):
                        ui.label("Preview with").classes("text-sm")
                        self.slider = (
                            ui.slider(min=0, max=self.values["stamps_required"], on_change=self.changed)
                            .bind_value(self.preview_stamps, "n")
                            .props("label dense")
                            .classes("w-40")
                        )
                        ui.label("stamps").classes("text-sm")
                    self.preview()
                    _poster_links(self.template.id)
            self.actions()
        subscribe(f"business:{self.session.business_id}", self.on_event)

    def _status(self) -> None:
        self.status.text = f"Live: v{self.template.version} · {self.issued:,} issued cards"

    def form(self) -> None:
        v, d = self.values, self.values["design"]
        with ui.tabs().classes("w-full").props("dense no-caps mobile-arrows") as tabs:
            ui.tab("design", "Design")
            ui.tab("texts", "Texts")
            ui.tab("reward", "Stamps & reward")
        with ui.tab_panels(tabs, value="design").classes("w-full"):
            with ui.tab_panel("design").classes("gap-3"):
                for key, label in (("background", "Background"), ("foreground", "Text"), ("accent", "Stamps")):
                    with (
                        ui.input(label)
                        .bind_value(d, key)
                        .props("outlined dense")
                        .classes("w-full")
                        .on_value_change(self.changed)
                        .mark(f"colour-{key}") as field
                    ):
                        with field.add_slot("append"):
                            with ui.button(icon="colorize").props("flat round dense"):
                                ui.color_picker(on_pick=lambda e, f=field: f.set_value(e.color))
                ui.select(STAMP_ICONS, label="Stamp icon", on_change=self.changed).bind_value(d, "stamp_icon").props(
                    "outlined dense"
                ).classes("w-full").mark("stamp-icon")
                for kind, label in (("logo", "Logo"), ("strip", "Strip image")):
                    self.image_field(kind, label)
            with ui.tab_panel("texts").classes("gap-3"):
                ui.input("Name (for you)").bind_value(v, "name").props("outlined dense").classes("w-full").mark(
                    "template-name"
                )
                for key, label in (
                    ("title", "Card title"),
                    ("subtitle", "Subtitle"),
                    ("stamps_label", "Stamps label"),
                    ("reward_label", "Reward label"),
                ):
                    ui.input(label, on_change=self.changed).bind_value(d, key).props("outlined dense").classes(
                        "w-full"
                    ).mark(f"text-{key}")
            with ui.tab_panel("reward").classes("gap-3"):
                ui.number("Stamps needed", min=1, max=50, precision=0, on_change=self.changed).bind_value(
                    v, "stamps_required", forward=lambda x: int(x) if x is not None else None
                ).props("outlined dense").classes("w-full").mark("stamps-required")
                ui.toggle({"voucher": "Voucher", "lottery": "Lottery pool"}, on_change=self.changed).bind_value(
                    v, "reward_type"
                ).props("no-caps").mark("reward-type")
                with ui.column().classes("w-full gap-1").bind_visibility_from(v, "reward_type", value="lottery"):
                    ui.label(
                        "A lottery reward draws a prize from the stamp card's prize pool when the card is full."
                    ).classes("text-xs text-stone-500")
                    ui.select(self.pools, value=self.pool["id"], label="Prize pool", on_change=self.attach_pool).props(
                        "outlined dense"
                    ).classes("w-full").mark("reward-pool")
                    ui.link("Set up prize pools", "/admin/prizes").classes("text-xs")
                ui.input("Reward (voucher title)", on_change=self.changed).bind_value(v, "reward_title").props(
                    "outlined dense"
                ).classes("w-full").mark("reward-title")
                ui.number(
                    "Voucher valid for (days, 0 = no expiry)", min=0, max=3650, precision=0, on_change=self.changed
                ).bind_value(v, "voucher_valid_days", forward=lambda x: int(x) if x is not None else None).props(
                    "outlined dense"
                ).classes("w-full").mark("valid-days")
                ui.number("Minimum seconds between stamps", min=0, precision=0, on_change=self.changed).bind_value(
                    v, "cooldown_seconds", forward=lambda x: int(x) if x is not None else None
                ).props("outlined dense").classes("w-full")
                ui.number(
                    "Most stamps per customer per day (empty = no cap)", min=1, precision=0, on_change=self.changed
                ).bind_value(v, "daily_cap", forward=lambda x: int(x) if x else None).props(
                    "outlined dense clearable"
                ).classes("w-full")

    def image_field(self, kind: str, label: str) -> None:
        design = self.values["design"]

        @notifies_errors
        async def received(e: events.UploadEventArguments) -> None:
            url = await uploads.store_image(self.session.business_id, kind, await e.file.read())
            design[kind] = url
            picture.refresh()
            self.changed()

        def remove() -> None:
            design[kind] = None
            picture.refresh()
            self.changed()

        @ui.refreshable
        def picture() -> None:
            if design.get(kind):
                with ui.row().classes("items-center gap-2"):
                    ui.image(design[kind]).classes("h-12 w-32 bg-stone-200").props("fit=contain")
                    ui.button(icon="delete", on_click=remove).props("flat round dense").tooltip(f"Remove {label}")

        ui.label(label).classes("text-sm font-medium")
        picture()
        # Quasar's uploader header counts bytes and percent ("0.0B / 0.00%") before anything is
        # chosen: only its title and its pick button are shown, the picture above is the result.
        ui.upload(
            label=f"Choose an image (PNG or JPEG, up to {uploads.MAX_BYTES // (1024 * 1024)} MB)",
            on_upload=received,
            on_rejected=lambda: ui.notify("Upload an image of up to 5 MB.", type="warning"),
            auto_upload=True,
            max_file_size=uploads.MAX_BYTES,
        ).props("accept=image/* flat bordered dense").classes("w-full image-upload").mark(f"upload-{kind}")

    @ui.refreshable_method
    def preview(self) -> None:
        previews.all_previews(self.values, int(self.preview_stamps["n"] or 0), self.session.business_name)

    @ui.refreshable_method
    def warning(self) -> None:
        changed = templates.mechanics_changed(self.template, self.values)
        if changed and self.issued:
            with ui.card().classes("w-full bg-amber-50 border border-amber-300").mark("mechanics-warning"):
                ui.label(
                    f"You are changing the mechanics ({', '.join(k.replace('_', ' ') for k in changed)}) of a live "
                    f"stamp card with {self.issued:,} issued cards. Customers' progress stays as it is; the new "
                    "rules apply from the next stamp."
                ).classes("text-amber-900")

    def actions(self) -> None:
        """Save and Regenerate stay in reach at the bottom of the screen, however long the form
        and the previews (on a phone they are stacked, one under the other)."""
        with (
            ui.column()
            .classes("w-full gap-1 sticky bottom-0 z-10 bg-white border-t shadow-md rounded-t px-3 py-2")
            .mark("designer-actions")
        ):
            with ui.row().classes("items-center gap-2"):
                ui.button("Save draft", icon="save", on_click=self.save).props("outline").mark("save-draft")
                ui.button("Discard draft", on_click=self.discard).props("flat").mark("discard-draft")
                ui.button("Regenerate stamp card", icon="autorenew", on_click=self.confirm_publish).mark("regenerate")
            self.progress_area()

    def progress_area(self) -> None:
        with ui.column().classes("w-full gap-1") as self.progress_box:
            self.progress_label = ui.label().classes("text-sm").mark("regen-label")
            self.progress = (
                ui.linear_progress(value=0, show_value=False).props("rounded size=12px").mark("regen-progress")
            )
        self.progress_box.set_visibility(False)

    @notifies_errors
    async def save(self) -> None:
        self.values.update(await templates.save_draft(self.session.business_id, self.template.id, self.values))
        ui.notify("Draft saved. Issued cards change when you regenerate.", type="positive")

    async def discard(self) -> None:
        await templates.discard_draft(self.session.business_id, self.template.id)
        ui.navigate.reload()

    async def confirm_publish(self) -> None:
        """Regenerate changes every issued card at once: the owner confirms, seeing how many."""
        changed = templates.mechanics_changed(self.template, self.values)
        issued = await templates.issued_cards(self.template.id)
        if not issued:
            await self.publish()
            return
        noun = "issued card" if issued == 1 else "issued cards"
        with ui.dialog() as dialog, ui.card().classes("w-full sm:w-[480px] max-w-full").mark("publish-dialog"):
            if changed:
                ui.label("Change the rules of a live stamp card?").classes("text-lg font-bold")
                ui.label(
                    f"{issued:,} customers hold this card. Changing "
                    f"{', '.join(k.replace('_', ' ') for k in changed)} may surprise them."
                )
            else:
                ui.label(f"Update {'the' if issued == 1 else 'all'} {issued:,} {noun}?").classes("text-lg font-bold")
            ui.label(
                f"Version v{self.template.version + 1} goes to {issued:,} {noun} at once: their card pages and "
                "wallet passes change. This cannot be undone, only replaced by another version."
            ).classes("text-sm text-stone-600").mark("publish-count")
            with ui.row():
                ui.button("Cancel", on_click=dialog.close).props("flat").mark("cancel-publish")
                ui.button(f"Update {issued:,} {noun}", on_click=lambda: dialog.submit(True)).props(
                    "color=negative" if changed else ""
                ).mark("confirm-publish")
        if not await dialog:
            return
        await self.publish()

    @notifies_errors
    async def publish(self) -> None:
        await templates.save_draft(self.session.business_id, self.template.id, self.values)
        self.template = await templates.publish(self.session.business_id, self.template.id)
        # Update in place: the form's inputs are bound to these very dicts.
        fresh = copy.deepcopy(templates.snapshot(self.template))
        self.values["design"].update(fresh.pop("design"))
        self.values.update({k: v for k, v in fresh.items()})
        self.issued = await templates.issued_cards(self.template.id)
        self._status()
        self.warning.refresh()
        self._show_progress(0, self.issued, False)  # the `template.published` reaction queues the job
        ui.notify(f"Published v{self.template.version}; updating {self.issued:,} issued cards.", type="positive")

    def _show_progress(self, done: int, total: int, finished: bool) -> None:
        self.progress_box.set_visibility(True)
        self.progress.value = 1.0 if finished or not total else done / total
        percent = round(100 * self.progress.value)
        if finished:
            self.progress_label.text = f"All {total:,} issued cards show v{self.template.version} · 100%"
        else:
            self.progress_label.text = (
                f"Updating issued cards to v{self.template.version}: {done:,} / {total:,} · {percent}%"
            )

    def on_event(self, event: dict[str, Any]) -> None:
        if event.get("type") != "template.regeneration" or event.get("template_id") != self.template.id:
            return
        if event["version"] != self.template.version:
            return
        self._show_progress(event["done"], event["total"], event["finished"])


def register() -> None:
    uploads.register()
