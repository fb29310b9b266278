"""Receipt QR keys per location: create (the secret is shown once), rule, revoke."""

from __future__ import annotations

from nicegui import ui

from hub.domain import businesses, lottery_pools, receipts
from hub.domain.templates import template_names
from hub.models import ReceiptKey
from hub.ui.admin.frame import notifies_errors, when
from hub.ui.admin.section import input_row, section


def _rule(key: ReceiptKey) -> str:
    if key.pool_id:
        return "a lottery draw per receipt"
    base = (
        f"1 stamp per {key.amount_per_stamp / 100:.2f}, up to {key.max_stamps}"
        if key.amount_per_stamp
        else ("1 stamp per receipt")
    )
    minimum = f", from {key.min_amount / 100:.2f}" if key.min_amount else ""
    return f"{base}{minimum}; valid {key.max_age_hours} h"


async def receipts_panel(business_id: int) -> None:
    locations = {loc.id: loc.name for loc in await businesses.locations_of(business_id)}
    templates = await template_names(business_id)
    pools = {None: "— stamps —", **await lottery_pools.pool_choices(business_id)}

    @ui.refreshable
    async def keys() -> None:
        rows = await receipts.receipt_keys(business_id)
        if not rows:
            ui.label("No receipt keys yet.").classes("text-stone-500")
        for key in rows:
            state = "revoked" if key.revoked_at else "retired" if key.retired_at else "active"
            with (
                ui.row()
                .classes(
                    "w-full items-center gap-3 border-b py-1 text-sm" + ("" if state == "active" else " opacity-50")
                )
                .mark(f"receipt-key-{key.id}")
            ):
                ui.label(f"Key {key.id}").classes("font-mono w-16")
                ui.label(locations.get(key.location_id, "—")).classes("w-40")
                ui.label(_rule(key)).classes("grow")
                ui.label(f"{state} · created {when(key.created_at)}").classes("text-stone-500")
                if not key.revoked_at:
                    ui.button("Revoke", on_click=lambda k=key: revoke(k)).props("flat dense color=negative").mark(
                        f"receipt-revoke-{key.id}"
                    )

    async def revoke(key: ReceiptKey) -> None:
        await receipts.revoke_receipt_key(business_id, key.id)
        keys.refresh()

    @notifies_errors
    async def create() -> None:
        key = await receipts.create_receipt_key(
            business_id,
            int(location.value or 0),
            int(template.value or 0),
            pool_id=pool.value,
            min_amount=int(round((minimum.value or 0) * 100)),
            amount_per_stamp=int(round(per_stamp.value * 100)) if per_stamp.value else None,
            max_stamps=int(max_stamps.value or 1),
            max_age_hours=int(max_age.value or 48),
        )
        keys.refresh()
        with ui.dialog() as dialog, ui.card().classes("w-full sm:w-[600px] max-w-full").mark("receipt-secret-dialog"):
            ui.label("Receipt key created").classes("text-lg font-bold")
            ui.label("Configure the till with the key id and the secret. The secret is shown only now.").classes(
                "text-amber-900"
            )
            ui.label(f"Key id: {key.id}").classes("font-mono")
            ui.label(key.secret).classes("font-mono bg-stone-100 p-2 rounded break-all").mark("receipt-secret")
            ui.label("Algorithm, test vectors and a reference snippet: docs/RECEIPT_QR.md").classes("text-sm")
            with ui.row():
                ui.button("Copy secret", icon="content_copy", on_click=lambda: ui.clipboard.write(key.secret))
                ui.button("Done", on_click=dialog.close).props("flat")
        dialog.open()

    with section(
        "Receipt QR",
        "Your till prints a QR code on each receipt, computed offline with the location's secret. "
        "Each receipt gives its stamps once, and only while fresh. A new key retires the previous one.",
    ) as card:
        card.mark("receipts-panel")
        with input_row():
            location = (
                ui.select(locations, value=next(iter(locations), None), label="Location")
                .props("outlined dense")
                .classes("w-44")
            )
            template = (
                ui.select(templates, value=next(iter(templates), None), label="Stamp card")
                .props("outlined dense")
                .classes("w-44")
            )
            pool = ui.select(pools, value=None, label="Gives").props("outlined dense").classes("w-40")
            minimum = ui.number("Minimum", value=0, min=0, format="%.2f").props("outlined dense").classes("w-28")
            per_stamp = (
                ui.number("Amount per stamp", value=None, min=0, format="%.2f").props("outlined dense").classes("w-36")
            )
            max_stamps = (
                ui.number("Max stamps", value=1, min=1, max=20, format="%d").props("outlined dense").classes("w-28")
            )
            max_age = (
                ui.number("Valid hours", value=48, min=1, max=24 * 90, format="%d")
                .props("outlined dense")
                .classes("w-28")
            )
            ui.button("Create key", icon="key", on_click=create).mark("receipt-create")
        await keys()
