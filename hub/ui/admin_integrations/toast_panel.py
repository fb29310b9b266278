"""Toast POS: connect (endpoint URL and key, the key shown once), the accrue rule, disconnect."""

from __future__ import annotations

from nicegui import ui

from hub.config import settings
from hub.domain import businesses, toast_connections
from hub.domain.templates import template_names
from hub.domain.toast_connections import RULES, Rule
from hub.models import ToastConnection
from hub.ui.admin.frame import notifies_errors, when


def _cents(value: float | None) -> int:
    return int(round((value or 0) * 100))


async def toast_panel(business_id: int) -> None:
    locations = {None: "— any —", **{loc.id: loc.name for loc in await businesses.locations_of(business_id)}}
    templates = await template_names(business_id)
    current = await toast_connections.live_connection(business_id)

    @ui.refreshable
    async def status() -> None:
        connection = await toast_connections.live_connection(business_id)
        if connection is None:
            ui.label("Not connected.").classes("text-stone-500").mark("toast-status")
            return
        with ui.column().classes("gap-1 text-sm").mark("toast-status"):
            ui.label(f"Connected {when(connection.created_at)} · {toast_connections.describe(connection)}").mark(
                "toast-rule"
            )
            url = toast_connections.endpoint_url(settings().public_url, connection)
            with ui.row().classes("items-center gap-2"):
                ui.label("Endpoint:")
                ui.label(url).classes("font-mono break-all").mark("toast-endpoint")
            ui.label(f"Key: shtoast_{connection.key_prefix}_…").classes("font-mono text-stone-500")
            ui.button("Disconnect", on_click=disconnect).props("flat dense color=negative").mark("toast-disconnect")

    def rule_now() -> Rule:
        return Rule(
            rule=rule.value,
            items=toast_connections.parse_items(items.value or ""),
            amount_per_stamp=_cents(per_amount.value) or None,
            min_amount=_cents(minimum.value),
            max_stamps=int(max_stamps.value or 1),
            reward_value=_cents(reward.value),
            restaurant_guid=(restaurant.value or "").strip(),
        )

    @notifies_errors
    async def connect() -> None:
        connection, key = await toast_connections.connect_toast(
            business_id, int(template.value or 0), rule_now(), location_id=location.value
        )
        status.refresh()
        shown(connection, key)

    @notifies_errors
    async def save() -> None:
        await toast_connections.update_rule(business_id, rule_now(), template_id=int(template.value or 0))
        ui.notify("Toast rule saved: checks accrued from now on follow it.", type="positive")
        status.refresh()

    async def disconnect() -> None:
        await toast_connections.disconnect_toast(business_id)
        ui.notify("Toast disconnected: its requests are refused from now on.")
        status.refresh()

    def shown(connection: ToastConnection, key: str) -> None:
        url = toast_connections.endpoint_url(settings().public_url, connection)
        with ui.dialog() as dialog, ui.card().classes("w-[600px]").mark("toast-key-dialog"):
            ui.label("Toast connected").classes("text-lg font-bold")
            ui.label(
                "Send both to Toast's integrations team (see docs/toast.md). The key is shown only now; "
                "connecting again makes a new URL and key and ends the old ones."
            ).classes("text-amber-900")
            ui.label("Endpoint URL").classes("text-sm font-bold")
            ui.label(url).classes("font-mono bg-stone-100 p-2 rounded break-all").mark("toast-new-url")
            ui.label("Static API key (Authorization header)").classes("text-sm font-bold")
            ui.label(key).classes("font-mono bg-stone-100 p-2 rounded break-all").mark("toast-new-key")
            with ui.row():
                ui.button("Copy URL", icon="content_copy", on_click=lambda: ui.clipboard.write(url)).props("outline")
                ui.button("Copy key", icon="content_copy", on_click=lambda: ui.clipboard.write(key))
                ui.button("Done", on_click=dialog.close).props("flat").mark("toast-key-done")
        dialog.open()

    with ui.card().classes("w-full gap-2").mark("toast-panel"):
        ui.label("Toast POS").classes("text-lg font-bold")
        ui.label(
            "Toast calls Stamphub at every loyalty step of a check: find the guest, show their vouchers, "
            "redeem them, and add stamps once the check is paid. Vouchers work at Toast and at your "
            "counter alike, and each is used once."
        ).classes("text-sm text-stone-600")
        await status()
        with ui.row().classes("items-end gap-2 w-full"):
            rule = (
                ui.select(RULES, value=current.rule if current else "check", label="Stamps")
                .props("outlined dense")
                .classes("w-60")
                .mark("toast-rule-choice")
            )
            template = (
                ui.select(
                    templates,
                    value=current.template_id if current else next(iter(templates), None),
                    label="Stamp card (new sign-ups)",
                )
                .props("outlined dense")
                .classes("w-48")
            )
            location = (
                ui.select(locations, value=current.location_id if current else None, label="Location")
                .props("outlined dense")
                .classes("w-40")
            )
        with ui.row().classes("items-end gap-2 w-full"):
            items = (
                ui.textarea(
                    "Qualifying items: name, menu item GUID or PLU, one per line",
                    value="\n".join(current.items) if current else "",
                )
                .props("outlined dense autogrow")
                .classes("w-80")
                .mark("toast-items")
            )
            items.bind_visibility_from(rule, "value", value="item")
            per_amount = (
                ui.number(
                    "Amount per stamp",
                    value=(current.amount_per_stamp or 0) / 100 if current and current.amount_per_stamp else None,
                    min=0,
                    format="%.2f",
                )
                .props("outlined dense")
                .classes("w-36")
                .mark("toast-per-amount")
            )
            per_amount.bind_visibility_from(rule, "value", value="amount")
            minimum = (
                ui.number("Minimum check", value=(current.min_amount / 100) if current else 0, min=0, format="%.2f")
                .props("outlined dense")
                .classes("w-32")
            )
            max_stamps = (
                ui.number("Max stamps per check", value=current.max_stamps if current else 10, min=1, max=100)
                .props("outlined dense")
                .classes("w-40")
                .mark("toast-max-stamps")
            )
            reward = (
                ui.number(
                    "Voucher value on a check",
                    value=(current.reward_value / 100) if current else None,
                    min=0,
                    format="%.2f",
                )
                .props("outlined dense")
                .classes("w-44")
                .mark("toast-reward-value")
            )
            restaurant = (
                ui.input("Toast restaurant ID (optional)", value=current.restaurant_guid if current else "")
                .props("outlined dense")
                .classes("w-72")
            )
        with ui.row().classes("gap-2"):
            ui.button("Connect Toast", icon="link", on_click=connect).mark("toast-connect")
            ui.button("Save rule", on_click=save).props("outline").mark("toast-save")
