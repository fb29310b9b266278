"""Delivery insert batches: create, per-batch stats, download the printable PDF."""

from __future__ import annotations

from nicegui import ui

from hub.domain import inserts, lottery_pools
from hub.domain.templates import template_names
from hub.runtime import runtime
from hub.ui.admin.frame import notifies_errors
from hub.ui.admin.section import input_row, section


async def inserts_panel(business_id: int) -> None:
    templates = await template_names(business_id)
    pools = await lottery_pools.pool_choices(business_id)

    @ui.refreshable
    async def batches() -> None:
        rows = await inserts.list_batches(business_id)
        if not rows:
            ui.label("No insert batches yet.").classes("text-stone-500")
            return
        with ui.grid(columns=7).classes("w-full gap-x-4 gap-y-1 text-sm items-center"):
            for heading in ("Batch", "Stamp card", "Gives", "Printed", "Used", "Conversion", ""):
                ui.label(heading).classes("font-bold text-stone-600")
            for stats in rows:
                ui.label(stats["name"])
                ui.label(templates.get(stats["template_id"], "—"))
                ui.label("a stamp" if stats["kind"] == "stamp" else "a lottery draw")
                ui.label(str(stats["printed"]))
                ui.label(str(stats["used"])).mark(f"batch-used-{stats['id']}")
                ui.label(f"{stats['conversion'] * 100:.1f} %")
                ui.button("PDF", icon="download", on_click=lambda i=stats["id"]: download(i)).props("flat dense").mark(
                    f"batch-pdf-{stats['id']}"
                )

    async def download(batch_id: int) -> None:
        batch = await inserts.get_batch(business_id, batch_id)
        conf = runtime().settings
        pdf = await inserts.batch_pdf(batch, conf.secret_key, conf.public_url)
        ui.download.content(pdf, f"inserts-{batch.id}.pdf", "application/pdf")

    @notifies_errors
    async def create() -> None:
        await inserts.create_batch(
            business_id,
            int(template.value or 0),
            name=name.value or "",
            size=int(size.value or 0),
            kind=kind.value,
            pool_id=pool.value if kind.value == "lottery" else None,
        )
        name.value = ""
        ui.notify("Batch created: download the PDF to print it.", type="positive")
        batches.refresh()

    with section(
        "Delivery inserts",
        "Printable one-time QR codes for delivery bags and flyers: each gives a stamp or a lottery draw "
        "when the customer scans it, no staff needed. A4 sheets, eight cut-out cards per page.",
    ) as card:
        card.mark("inserts-panel")
        with input_row():
            name = (
                ui.input("Batch name", placeholder="December delivery bags").props("outlined dense").mark("batch-name")
            )
            template = (
                ui.select(templates, value=next(iter(templates), None), label="Stamp card")
                .props("outlined dense")
                .classes("w-56")
            )
            size = (
                ui.number("Codes", value=100, min=1, max=inserts.MAX_BATCH, step=1, format="%d")
                .props("outlined dense")
                .classes("w-28")
                .mark("batch-size")
            )
            kind = (
                ui.select({"stamp": "a stamp", "lottery": "a lottery draw"}, value="stamp", label="Gives")
                .props("outlined dense")
                .classes("w-40")
            )
            pool = (
                ui.select(pools, value=next(iter(pools), None), label="Prize pool")
                .props("outlined dense")
                .classes("w-48")
                .bind_visibility_from(kind, "value", value="lottery")
            )
            ui.button("Create batch", icon="qr_code_2", on_click=create).mark("batch-create")
        await batches()
