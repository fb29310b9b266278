"""Overview: the shop's numbers over a period as charts, and who stamped how many. Live."""

from __future__ import annotations

from nicegui import ui

from hub.domain import analytics, setup
from hub.ui.admin.frame import Debounced, Section, frame
from hub.ui.admin.owner_pages import Session, admin_page
from hub.ui.live import subscribe

PERIODS = {7: "Last 7 days", 30: "Last 30 days", 90: "Last 90 days", 365: "Last 12 months"}
COLOURS = {
    "cards_issued": "#5b3a29",
    "stamps": "#e0a458",
    "rewards": "#2e7d32",
    "redeemed": "#1565c0",
    "active_customers": "#8e24aa",
}


def _chart(data: analytics.Overview, keys: list[str]) -> dict:
    return {
        "tooltip": {"trigger": "axis"},
        # The legend sits under the date axis, scrolling sideways on a phone instead of wrapping into it.
        "legend": {"data": [analytics.METRICS[k] for k in keys], "bottom": 0, "type": "scroll"},
        "grid": {"left": 8, "right": 16, "top": 16, "bottom": 40, "containLabel": True},
        "xAxis": {"type": "category", "data": [d.strftime("%b %d") for d in data.days]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {
                "name": analytics.METRICS[k],
                "type": "bar" if k == "stamps" else "line",
                "smooth": True,
                "data": data.series[k],
                "itemStyle": {"color": COLOURS[k]},
            }
            for k in keys
        ],
    }


def checklist(steps: list[setup.Step]) -> None:
    """A new business's first steps, with progress; gone once all are done."""
    done = sum(step.done for step in steps)
    with ui.card().classes("w-full gap-2 border border-amber-300 bg-amber-50").mark("checklist"):
        with ui.row().classes("w-full items-center"):
            ui.label("Getting started").classes("text-lg font-bold grow")
            ui.label(f"{done} of {len(steps)} done").classes("text-sm text-stone-600").mark("checklist-progress")
        ui.linear_progress(value=done / len(steps), show_value=False).props("rounded size=8px color=secondary")
        for number, step in enumerate(steps, 1):
            with ui.row().classes("w-full items-center gap-3 no-wrap py-1").mark(f"step-{step.key}"):
                ui.icon("check_circle" if step.done else "radio_button_unchecked", size="24px").classes(
                    "shrink-0 " + ("text-green-700" if step.done else "text-stone-400")
                ).mark(f"step-{step.key}-{'done' if step.done else 'open'}")
                with ui.column().classes("gap-0 grow min-w-0"):
                    label = ui.label(f"{number}. {step.label}").classes("font-medium")
                    if step.done:
                        label.classes("line-through text-stone-500")
                    else:
                        ui.label(step.hint).classes("text-sm text-stone-600")
                if not step.done:
                    ui.link("Go", step.href, new_tab=step.href == "/scanner").classes("shrink-0 font-bold")


@admin_page("/admin", "Overview")
async def overview_page(session: Session) -> None:
    state = {"days": 30}

    async def load() -> tuple[analytics.Overview, list[setup.Step]]:
        return await analytics.recent(session.business_id, state["days"]), await setup.checklist(session.business_id)

    def draw(loaded: tuple[analytics.Overview, list[setup.Step]]) -> None:
        data, steps = loaded
        if not all(step.done for step in steps):
            checklist(steps)
        with ui.row().classes("w-full gap-4"):
            for key, label in analytics.METRICS.items():
                with ui.card().classes("min-w-36 flex-1 max-sm:basis-[40%]").mark(f"kpi-{key}"):
                    ui.label(label).classes("text-sm text-stone-500")
                    ui.label(f"{data.totals[key]:,}").classes("text-3xl font-bold").mark(f"kpi-value-{key}")
        with ui.row().classes("w-full gap-4 lg:flex-nowrap"):
            with ui.card().classes("w-full lg:w-auto lg:flex-1 lg:min-w-96"):
                ui.label("Cards, stamps and rewards").classes("font-bold")
                ui.echart(_chart(data, ["stamps", "cards_issued", "rewards"])).classes("w-full h-72")
            with ui.card().classes("w-full lg:w-auto lg:flex-1 lg:min-w-96"):
                ui.label("Customers and redemptions").classes("font-bold")
                ui.echart(_chart(data, ["active_customers", "redeemed"])).classes("w-full h-72")
        with ui.card().classes("w-full"):
            ui.label("Location analytics (staff)").classes("font-bold")
            if not data.staff:
                ui.label("No staff logins yet. Add them under Staff.").classes("text-stone-500")
            with ui.grid(columns=4).classes("w-full gap-x-6 gap-y-1 items-center"):
                for head in ("Location", "Staff login", "Stamps", "Vouchers redeemed"):
                    ui.label(head).classes("text-xs uppercase text-stone-500")
                for row in data.staff:
                    ui.label(row.location)
                    ui.label(row.seat + (" (revoked)" if row.revoked else ""))
                    ui.label(str(row.stamps)).classes("font-mono").mark(f"staff-stamps-{row.seat}")
                    ui.label(str(row.redeemed)).classes("font-mono")

    def choose(days: int) -> None:
        state["days"] = days
        numbers.refresh()

    with frame(session, "Overview"):
        ui.toggle(PERIODS, value=state["days"], on_change=lambda e: choose(e.value)).props(
            "no-caps unelevated toggle-color=primary"
        ).mark("period")
        numbers = Section(load, draw, classes="w-full gap-4")
        await numbers.reload()
    # Figures follow the shop as it works: refreshed on its events, at most every second.
    subscribe(f"business:{session.business_id}", Debounced(numbers.reload, delay=1.0))
    return None
