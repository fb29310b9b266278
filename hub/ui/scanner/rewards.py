"""Vouchers waiting on a card, in view at the counter: with every verdict about a card and with
every search result, each with its redeem button. A redemption hands something over, so it is
confirmed first."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Sequence

from nicegui import ui

from hub.ui.scanner.desk import Desk
from hub.ui.scanner.verdicts import Verdict, Waiting, waiting_text

Show = Callable[[Verdict], Awaitable[None] | None]
# White on the verdict's colour.
BUTTON = "unelevated no-caps color=white text-color=grey-10"


def waiting_rewards(
    desk: Desk, vouchers: Sequence[Waiting], customer: str | None, show: Show, *, props: str = BUTTON
) -> None:
    """The line "2 rewards waiting: Free coffee, Free cake" and a redeem button for each."""
    if not vouchers:
        return
    with ui.column().classes("w-full gap-1").mark("rewards-waiting"):
        ui.label(waiting_text(vouchers)).classes("font-bold").mark("rewards-waiting-text")
        with ui.row().classes("w-full gap-2"):
            for voucher in vouchers:
                ui.button(
                    f"Redeem {voucher.title}",
                    icon="redeem",
                    on_click=lambda v=voucher: confirm_and_redeem(desk, v, customer, show),
                ).props("unelevated no-caps color=white text-color=grey-10").mark(
                    f"redeem-voucher-{voucher.voucher_id}"
                )


async def confirm_and_redeem(desk: Desk, voucher: Waiting, customer: str | None, show: Show) -> None:
    for_whom = f" for {customer}" if customer else ""
    with ui.dialog() as dialog, ui.card().classes("w-80").mark("redeem-confirm-dialog"):
        ui.label(f"Redeem “{voucher.title}”{for_whom}?").classes("text-lg font-bold")
        ui.label("Hand it over once it is redeemed. This cannot be undone.").classes("text-sm opacity-70")
        with ui.row().classes("w-full justify-end"):
            ui.button("Cancel", on_click=lambda: dialog.submit(False)).props("flat")
            ui.button("Redeem", on_click=lambda: dialog.submit(True)).props("unelevated").mark("redeem-confirm")
    confirmed = await dialog
    dialog.delete()
    if confirmed:
        shown = show(await desk.redeem(voucher.voucher_id))
        if inspect.isawaitable(shown):
            await shown
