"""Webhook endpoints (add, pause, roll secret, delete) and the delivery log with replay."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from hub.domain import webhooks
from hub.models import WebhookDelivery, WebhookEndpoint
from hub.ui.admin.frame import notifies_errors, when
from hub.ui.admin.section import input_row, section
from hub.webhooks.reactions import enqueue_deliveries

STATUS_COLOURS = {"succeeded": "text-green-700", "failed": "text-red-700", "retrying": "text-amber-700"}
LOG_REFRESH_SECONDS = 5.0


def _secret_dialog(endpoint: WebhookEndpoint, heading: str) -> None:
    with ui.dialog() as dialog, ui.card().classes("w-full sm:w-[560px] max-w-full").mark("webhook-secret-dialog"):
        ui.label(heading).classes("text-lg font-bold")
        ui.label("Verify the Stamphub-Signature header of each delivery with this secret.").classes("text-sm")
        ui.label(endpoint.secret).classes("font-mono bg-stone-100 p-2 rounded break-all").mark("webhook-secret")
        with ui.row():
            ui.button("Copy", icon="content_copy", on_click=lambda: ui.clipboard.write(endpoint.secret))
            ui.button("Done", on_click=dialog.close).props("flat")
    dialog.open()


async def webhooks_panel(business_id: int) -> Callable[[], None]:
    """Endpoints and their delivery log for one business; returns the log's refresh.

    The caller runs that on a timer created after everything else on the page: a timer
    waits for the browser's socket, and NiceGUI sends the page as soon as something waits.
    """

    @ui.refreshable
    async def endpoints() -> None:
        rows = await webhooks.list_endpoints(business_id)
        if not rows:
            ui.label("No webhook endpoints yet.").classes("text-stone-500")
        for endpoint in rows:
            with ui.row().classes("w-full items-center gap-3 border-b py-2").mark(f"webhook-{endpoint.id}"):
                ui.label(endpoint.url).classes("font-mono text-sm grow break-all")
                ui.label(", ".join(endpoint.events)).classes("text-sm text-stone-600 w-72")
                ui.switch("Active", value=endpoint.active, on_change=lambda e, ep=endpoint: toggle(ep, e.value)).mark(
                    f"webhook-active-{endpoint.id}"
                )
                ui.button("Secret", on_click=lambda ep=endpoint: _secret_dialog(ep, "Signing secret")).props("flat")
                ui.button("Roll secret", on_click=lambda ep=endpoint: roll(ep)).props("flat")
                ui.button(icon="delete", on_click=lambda ep=endpoint: delete(ep)).props(
                    "flat round color=negative"
                ).mark(f"webhook-delete-{endpoint.id}")

    @ui.refreshable
    async def log() -> None:
        rows = await webhooks.list_deliveries(business_id, limit=25)
        if not rows:
            ui.label("No deliveries yet.").classes("text-stone-500")
            return
        with ui.grid(columns=7).classes("w-full gap-x-4 gap-y-1 text-sm items-center"):
            for heading in ("Time", "Event", "Status", "Attempts", "HTTP", "Response", ""):
                ui.label(heading).classes("font-bold text-stone-600")
            for delivery in rows:
                ui.label(when(delivery.created_at))
                ui.label(delivery.event_type)
                ui.label(delivery.status).classes(STATUS_COLOURS.get(delivery.status, "")).mark(
                    f"delivery-status-{delivery.id}"
                )
                ui.label(str(delivery.attempts))
                ui.label(str(delivery.last_status_code or "—")).tooltip(delivery.last_error or "")
                ui.label(f"{delivery.last_response_ms} ms" if delivery.last_response_ms is not None else "—")
                if delivery.status in ("succeeded", "failed"):
                    ui.button("Replay", on_click=lambda d=delivery: replay(d)).props("flat dense").mark(
                        f"replay-{delivery.id}"
                    )
                else:
                    ui.label("")

    @notifies_errors
    async def add() -> None:
        endpoint = await webhooks.create_endpoint(
            business_id, url.value or "", list(events.value or []), description=""
        )
        url.value = ""
        endpoints.refresh()
        _secret_dialog(endpoint, "Webhook endpoint added")

    async def toggle(endpoint: WebhookEndpoint, active: bool) -> None:
        await webhooks.update_endpoint(business_id, endpoint.id, active=active)

    async def roll(endpoint: WebhookEndpoint) -> None:
        _secret_dialog(await webhooks.roll_secret(business_id, endpoint.id), "New signing secret")

    async def delete(endpoint: WebhookEndpoint) -> None:
        await webhooks.delete_endpoint(business_id, endpoint.id)
        endpoints.refresh()

    @notifies_errors
    async def replay(delivery: WebhookDelivery) -> None:
        again = await webhooks.replay_delivery(business_id, delivery.id)
        await enqueue_deliveries([again.id])
        ui.notify("Queued for delivery.", type="positive")
        log.refresh()

    with section(
        "Webhooks",
        "Stamphub POSTs the events you choose to your URL, signed with "
        'Stamphub-Signature: t=<ts>,v1=<HMAC-SHA256(secret, "<ts>.<body>")>. '
        "Failed deliveries are retried with growing pauses for about 9 hours; dedupe on Stamphub-Delivery.",
    ) as card:
        card.mark("webhooks-panel")
        with input_row():
            url = (
                ui.input("Endpoint URL", placeholder="https://pos.example.com/hooks")
                .props("outlined dense")
                .classes("grow min-w-56")
                .mark("webhook-url")
            )
            events = (
                ui.select(
                    list(webhooks.EVENTS), value=["card.stamped", "voucher.redeemed"], multiple=True, label="Events"
                )
                .props("outlined dense use-chips")
                .classes("w-full sm:w-96")
                .mark("webhook-events")
            )
            ui.button("Add endpoint", icon="add", on_click=add).mark("webhook-add")
        await endpoints()
        ui.label("Recent deliveries").classes("font-bold mt-2")
        await log()
    return log.refresh
