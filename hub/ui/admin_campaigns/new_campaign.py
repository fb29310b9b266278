"""/admin/campaigns/new: audience, channels, message with placeholders, attachment, preview, send."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from nicegui import ui

from hub import clock
from hub.domain import businesses, campaigns, lottery_pools
from hub.domain.templates import template_names
from hub.errors import DomainError
from hub.ui.admin.frame import Session, frame, notifies_errors, show_error
from hub.ui.admin.owner_pages import admin_page
from hub.ui.admin_campaigns.common import CHANNEL_LABELS, campaign_menu, enqueue, push_route_text
from hub.workers.campaign_jobs import enqueue_campaign

MONTHS = {m: datetime(2000, m, 1).strftime("%B") for m in range(1, 13)}


def email_frame() -> ui.element:
    return ui.element("iframe").classes("w-full border rounded bg-white").style("height:520px").mark("preview")


def show_email(frame_: ui.element, html: str) -> None:
    frame_._props["srcdoc"] = html
    frame_.update()


def segment_form(values: dict[str, Any], locations: dict[int, str], templates: dict[int, str]) -> None:
    """The audience filters, bound to `values` (empty means: everyone)."""
    with ui.grid(columns=3).classes("w-full gap-3"):
        ui.number("Progress at least (stamps)", min=0).bind_value(values, "stamps_min").props("outlined dense")
        ui.number("Progress at most (stamps)", min=0).bind_value(values, "stamps_max").props("outlined dense")
        ui.select({None: "Any", True: "Has an active voucher", False: "No active voucher"}, label="Voucher").bind_value(
            values, "active_voucher"
        ).props("outlined dense")
        ui.number("Visited in the last … days", min=1).bind_value(values, "visited_within_days").props("outlined dense")
        ui.number("Not seen for … days", min=1).bind_value(values, "not_visited_days").props("outlined dense")
        ui.select({None: "Any month", **MONTHS}, label="Birthday month").bind_value(values, "birthday_month").props(
            "outlined dense"
        )
        ui.select({None: "Any location", **locations}, label="Stamped at").bind_value(values, "location_id").props(
            "outlined dense"
        )
        ui.select(
            {None: "Any wallet", "web": "Web card", "apple": "Apple Wallet", "google": "Google Wallet"}, label="Card in"
        ).bind_value(values, "platform").props("outlined dense")
        ui.select({None: "Any stamp card", **templates}, label="Stamp card").bind_value(values, "template_id").props(
            "outlined dense"
        )


def attachment_form(values: dict[str, Any], pools: dict[int, str]) -> None:
    kinds = {"": "Nothing attached", "voucher": "A voucher for each recipient"}
    if pools:
        kinds["lottery"] = "A lottery slot for each recipient"
    with ui.row().classes("items-end gap-3"):
        kind = (
            ui.select(kinds, label="Attach")
            .bind_value(values, "type")
            .props("outlined dense")
            .classes("w-72")
            .mark("attach-kind")
        )
        ui.input("Voucher title").bind_value(values, "title").props("outlined dense").mark(
            "voucher-title"
        ).bind_visibility_from(kind, "value", value="voucher")
        ui.number("Valid for (days)", min=1, max=3650).bind_value(values, "valid_days").props(
            "outlined dense"
        ).bind_visibility_from(kind, "value", value="voucher")
        ui.select(pools, label="Prize pool").bind_value(values, "pool_id").props("outlined dense").classes(
            "w-56"
        ).bind_visibility_from(kind, "value", value="lottery")


def clean_attachment(values: dict[str, Any]) -> dict[str, Any]:
    kind = values.get("type")
    if kind == "voucher":
        return {"type": "voucher", "title": values.get("title"), "valid_days": values.get("valid_days")}
    if kind == "lottery":
        return {"type": "lottery", "pool_id": values.get("pool_id")}
    return {}


@admin_page("/admin/campaigns/new", "New campaign")
async def new_campaign_page(session: Session) -> None:
    await NewCampaign(session).build()
    return None


class NewCampaign:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.form: dict[str, Any] = {"name": "", "subject": "", "body": "", "when": "now", "date": "", "time": ""}
        self.segment: dict[str, Any] = {}
        self.attachment: dict[str, Any] = {"type": "", "title": "", "valid_days": 30, "pool_id": None}
        self.channels: dict[str, bool] = {}

    async def build(self) -> None:
        business_id = self.session.business_id
        business = await businesses.get_business(business_id)
        self.zone = clock.zone(business.timezone)
        available = await campaigns.available_channels(business_id)
        self.channels = {c: c in available for c in CHANNEL_LABELS}
        locations = {loc.id: loc.name for loc in await businesses.locations_of(business_id)}
        templates = await template_names(business_id)
        pools = await lottery_pools.pool_choices(business_id)
        with frame(self.session, "Campaigns"):
            campaign_menu("")
            with ui.row().classes("w-full gap-6 items-start lg:flex-nowrap"):
                with ui.column().classes("grow gap-4 w-full lg:w-auto lg:min-w-[480px]"):
                    with ui.card().classes("w-full"):
                        ui.label("Message").classes("text-lg font-bold")
                        ui.input("Campaign name").bind_value(self.form, "name").props("outlined dense").classes(
                            "w-full"
                        ).mark("campaign-name")
                        ui.input("Subject / title").bind_value(self.form, "subject").props("outlined dense").classes(
                            "w-full"
                        ).mark("campaign-subject")
                        ui.textarea("Message").bind_value(self.form, "body").props("outlined autogrow").classes(
                            "w-full"
                        ).mark("campaign-body")
                        ui.label("Placeholders: " + ", ".join("{" + p + "}" for p in campaigns.PLACEHOLDERS)).classes(
                            "text-xs text-stone-500"
                        )
                    with ui.card().classes("w-full"):
                        ui.label("Channels").classes("text-lg font-bold")
                        with ui.row().classes("gap-4"):
                            for channel, label in CHANNEL_LABELS.items():
                                box = ui.checkbox(label).bind_value(self.channels, channel).mark(f"channel-{channel}")
                                if channel not in available:
                                    box.disable()
                                    self.channels[channel] = False
                        missing = [CHANNEL_LABELS[c] for c in CHANNEL_LABELS if c not in available]
                        if missing:
                            ui.label(
                                f"Not set up: {', '.join(missing)} (email needs the server's SMTP settings, "
                                "messengers a connected gateway)."
                            ).classes("text-xs text-stone-500")
                    with ui.card().classes("w-full"):
                        ui.label("Audience").classes("text-lg font-bold")
                        ui.label("Leave everything empty to reach all customers.").classes("text-sm text-stone-500")
                        segment_form(self.segment, locations, templates)
                        with ui.row().classes("items-center gap-3"):
                            ui.button("Count audience", icon="groups", on_click=self.count).props("flat").mark(
                                "count-audience"
                            )
                            self.reach = ui.label("").classes("text-sm").mark("reach")
                    with ui.card().classes("w-full"):
                        ui.label("Attachment").classes("text-lg font-bold")
                        attachment_form(self.attachment, pools)
                    with ui.card().classes("w-full"):
                        ui.label("When").classes("text-lg font-bold")
                        mode = (
                            ui.radio({"now": "Send now", "later": "Send at"}, value="now")
                            .bind_value(self.form, "when")
                            .props("inline")
                            .mark("when")
                        )
                        with ui.row().bind_visibility_from(mode, "value", value="later"):
                            ui.input("Date").bind_value(self.form, "date").props("outlined dense type=date").mark(
                                "send-date"
                            )
                            ui.input("Time").bind_value(self.form, "time").props("outlined dense type=time").mark(
                                "send-time"
                            )
                            ui.label(f"({business.timezone})").classes("text-sm text-stone-500 self-center")
                    ui.button("Create campaign", icon="send", on_click=self.submit).mark("create-campaign")
                with ui.column().classes("gap-2 w-full lg:w-[600px] lg:shrink-0"):
                    with ui.row().classes("items-center"):
                        ui.label("Email preview").classes("text-lg font-bold")
                        ui.button("Refresh", icon="refresh", on_click=self.preview).props("flat dense").mark(
                            "refresh-preview"
                        )
                    self.preview_subject = ui.label("").classes("font-medium").mark("preview-subject")
                    self.frame = email_frame()
        await self.count()
        await self.preview()

    def _segment(self) -> dict[str, Any]:
        return {k: v for k, v in self.segment.items() if v is not None and v != ""}

    @notifies_errors
    async def count(self) -> None:
        reach = await campaigns.reach(self.session.business_id, self._segment())
        self.reach.text = (
            f"{reach['audience']} customers · PUSH reaches {push_route_text(reach)} · email {reach['email']} · "
            f"messenger {reach['messenger']}"
        )

    @notifies_errors
    async def preview(self) -> None:
        shown = await campaigns.preview(
            self.session.business_id,
            subject=self.form["subject"],
            body=self.form["body"] or "Your message",
            attachment=clean_attachment(self.attachment) or None,
        )
        self.preview_subject.text = shown["subject"]
        show_email(self.frame, shown["html"])

    def _when(self) -> datetime | None:
        if self.form["when"] != "later":
            return None
        try:
            local = datetime.fromisoformat(f"{self.form['date']}T{self.form['time'] or '00:00'}")
        except ValueError:
            return None
        return local.replace(tzinfo=self.zone)

    async def submit(self) -> None:
        scheduled = self._when()
        if self.form["when"] == "later" and scheduled is None:
            ui.notify("Choose the date and time to send.", type="warning")
            return
        try:
            campaign = await campaigns.create_campaign(
                self.session.business_id,
                name=self.form["name"],
                subject=self.form["subject"],
                body=self.form["body"],
                channels=[c for c, on in self.channels.items() if on],
                segment=self._segment(),
                attachment=clean_attachment(self.attachment),
                scheduled_at=scheduled,
            )
        except DomainError as error:
            show_error(error)
            return
        await enqueue(enqueue_campaign, campaign)
        ui.notify(
            f"“{campaign.name}” is on its way." if campaign.status == "queued" else f"“{campaign.name}” is scheduled.",
            type="positive",
        )
        ui.navigate.to(f"/admin/campaigns/{campaign.id}")
