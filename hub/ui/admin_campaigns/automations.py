"""/admin/campaigns/automations: Birthday greeting, Win-back and the post-purchase thank-you."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from hub.domain import automations, campaigns, lottery_pools
from hub.errors import DomainError
from hub.models import Campaign
from hub.ui.admin.frame import Session, frame, show_error
from hub.ui.admin.owner_pages import admin_page
from hub.ui.admin_campaigns.common import CHANNEL_LABELS, campaign_menu, channel_stats
from hub.ui.admin_campaigns.new_campaign import attachment_form, clean_attachment

INTRO = {
    "birthday": "On each customer's birthday, from the chosen hour in your time zone.",
    "winback": "When a customer has not collected a stamp for the chosen number of days — once per absence.",
    "post_purchase": "After a stamp or a redemption, with an optional lottery slot or voucher.",
}


def switch_label(enabled: bool) -> str:
    return "On" if enabled else "Off"


@admin_page("/admin/campaigns/automations", "Automations")
async def automations_page(session: Session) -> None:
    available = await campaigns.available_channels(session.business_id)
    pools = await lottery_pools.pool_choices(session.business_id)
    with frame(session, "Campaigns"):
        campaign_menu("Automations")
        for kind in automations.DEFAULTS:
            campaign = await automations.automation(session.business_id, kind)
            await _automation_card(session, campaign, available, pools)
    return None


async def _automation_card(session: Session, campaign: Campaign, available: list[str], pools: dict[int, str]) -> None:
    kind = campaign.kind
    form: dict[str, Any] = {
        "enabled": campaign.status == "active",
        "subject": campaign.subject,
        "body": campaign.body,
        **campaign.settings,
    }
    channels = {c: c in campaign.channels for c in CHANNEL_LABELS}
    attachment: dict[str, Any] = {
        "type": campaign.attachment.get("type", ""),
        "title": "",
        "valid_days": 30,
        "pool_id": None,
        **campaign.attachment,
    }
    numbers = await campaigns.stats(campaign.id)
    with ui.card().classes("w-full").mark(f"automation-{kind}"):
        with ui.row().classes("w-full items-center"):
            ui.label(campaign.name).classes("text-lg font-bold grow")
            # The label says the state it is in, not the state it would switch to.
            switch = ui.switch(switch_label(form["enabled"])).bind_value(form, "enabled").mark(f"{kind}-enabled")
            switch.on_value_change(lambda e, s=switch: s.set_text(switch_label(e.value)))
        ui.label(INTRO[kind]).classes("text-sm text-stone-600")
        with ui.row().classes("gap-3 items-end"):
            if kind in ("birthday", "winback"):
                ui.number("Local hour", min=0, max=23).bind_value(form, "hour").props("outlined dense").classes("w-28")
            if kind == "winback":
                ui.number("Days without a stamp", min=1).bind_value(form, "days").props("outlined dense").mark(
                    "winback-days"
                )
            if kind == "post_purchase":
                ui.number("Minutes after the visit", min=0).bind_value(form, "delay_minutes").props("outlined dense")
                ui.number("At most once every … days", min=0).bind_value(form, "every_days").props("outlined dense")
                ui.select(
                    {"stamp": "After a stamp", "redeem": "After a redemption"}, multiple=True, label="When"
                ).bind_value(form, "on").props("outlined dense use-chips").classes("w-64")
        ui.input("Subject / title").bind_value(form, "subject").props("outlined dense").classes("w-full")
        ui.textarea("Message").bind_value(form, "body").props("outlined autogrow").classes("w-full").mark(
            f"{kind}-body"
        )
        with ui.row().classes("gap-4"):
            for channel, label in CHANNEL_LABELS.items():
                box = ui.checkbox(label).bind_value(channels, channel)
                if channel not in available:
                    box.disable()
        attachment_form(attachment, pools)
        with ui.row().classes("w-full items-center"):
            channel_stats(numbers)
            ui.space()

            async def save() -> None:
                settings = {k: form[k] for k in ("hour", "days", "delay_minutes", "every_days", "on") if k in form}
                try:
                    await automations.configure(
                        session.business_id,
                        kind,
                        enabled=bool(form["enabled"]),
                        subject=form["subject"],
                        body=form["body"],
                        channels=[c for c, on in channels.items() if on],
                        attachment=clean_attachment(attachment),
                        settings=settings,
                    )
                except DomainError as error:
                    show_error(error)
                    return
                ui.notify(f"{campaign.name}: {'on' if form['enabled'] else 'off'}, saved.", type="positive")

            ui.button("Save", on_click=save).mark(f"{kind}-save")
