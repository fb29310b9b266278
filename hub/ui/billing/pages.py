"""Billing: plan, this month's usage as a chart, seats and locations, plan changes, invoices."""

from __future__ import annotations

from nicegui import ui

from hub.delivery.payments import configured_provider
from hub.domain import billing, plans
from hub.domain.plans import PLANS
from hub.runtime import runtime
from hub.ui.admin.frame import Debounced, frame, notifies_errors, when
from hub.ui.admin.owner_pages import Session, admin_page
from hub.ui.live import subscribe


async def daily_operations(business_id: int) -> tuple[list[str], list[int]]:
    days = await plans.daily_operations(business_id)
    return [day.strftime("%d") for day, _ in days], [count for _, count in days]


def location_line(count: int) -> str:
    """The same count the Locations page lists; a plan is billed for at least one location."""
    if count == 0:
        return "No locations yet: billed as 1 location"
    return "1 location" if count == 1 else f"{count} locations"


def euros(cents: int) -> str:
    return f"€{cents / 100:,.2f}"


@admin_page("/admin/billing", "Billing")
async def billing_page(session: Session):
    business_id = session.business_id

    @notifies_errors
    async def change(plan: str) -> None:
        if plan == "free":
            await billing.downgrade_to_free(business_id)
            ui.notify("You are on Free Forever now.", type="positive")
            summary.refresh()
            return
        public_url = runtime().settings.public_url
        url = await billing.start_checkout(business_id, plan, configured_provider(), public_url)
        ui.navigate.to(url)

    @ui.refreshable
    async def summary() -> None:
        account = await billing.account(business_id)
        plan, used, seats = account.plan, account.operations, account.seats
        if account.grace_until:
            with ui.card().classes("w-full bg-amber-100").mark("grace"):
                ui.label(
                    f"Your last payment failed. Everything keeps working until {when(account.grace_until)}; "
                    "update your payment method before then to stay on your plan."
                )
        with ui.row().classes("w-full gap-4"):
            with ui.card().classes("min-w-64"):
                ui.label("Current plan").classes("text-sm text-stone-500")
                ui.label(plan.name).classes("text-2xl font-bold").mark("plan-name")
                ui.label(f"{euros(account.price_cents)} / {plan.period}" if plan.period else "€0 forever")
            with ui.card().classes("min-w-64"):
                ui.label("Card operations this month").classes("text-sm text-stone-500")
                limit = plan.monthly_operations
                ui.label(f"{used} / {limit}" if limit else f"{used}").classes("text-2xl font-bold").mark("usage")
                if limit:
                    ui.linear_progress(value=min(1.0, used / limit), show_value=False).classes("w-56")
                ui.label("A stamp, a redemption or an issued card").classes("text-xs text-stone-500")
            with ui.card().classes("min-w-64"):
                ui.label("Seats and locations").classes("text-sm text-stone-500")
                seat_limit = f" of {plan.seats}" if plan.seats else ""
                noun = "staff seat" if seats == 1 and not plan.seats else "staff seats"
                ui.label(f"{seats}{seat_limit} {noun}").classes("text-lg").mark("seats")
                ui.label(location_line(account.locations)).classes("text-sm").mark("billed-locations")
                ui.link("Manage locations", "/admin/locations").classes("text-sm")
        labels, counts = await daily_operations(business_id)
        ui.echart(
            {
                "title": {"text": "Card operations per day", "textStyle": {"fontSize": 14}},
                "tooltip": {"trigger": "axis"},
                "xAxis": {"type": "category", "data": labels},
                "yAxis": {"type": "value", "minInterval": 1},
                "series": [{"type": "bar", "data": counts, "itemStyle": {"color": "#5b3a29"}}],
            }
        ).classes("w-full h-64").mark("usage-chart")
        with ui.row().classes("gap-2"):
            for key, option in PLANS.items():
                if key == account.plan_key:
                    continue
                price = f"{euros(option.price_cents)} per location / {option.period}" if option.period else "€0"
                verb = "Downgrade to" if key == "free" else "Upgrade to"
                ui.button(f"{verb} {option.name} ({price})", on_click=lambda k=key: change(k)).props(
                    "outline" if key == "free" else ""
                ).mark(f"plan-{key}")
        if configured_provider() is None:
            ui.label("Online payment is not configured on this server.").classes("text-xs text-stone-500")
        invoices = account.invoices
        if not invoices:
            ui.label("No invoices yet.").classes("text-sm text-stone-500").mark("no-invoices")
            return
        ui.table(
            columns=[
                {"name": "date", "label": "Date", "field": "date"},
                {"name": "plan", "label": "Plan", "field": "plan"},
                {"name": "amount", "label": "Amount", "field": "amount"},
                {"name": "status", "label": "Status", "field": "status"},
            ],
            rows=[
                {
                    "date": when(i.created_at),
                    "plan": PLANS[i.plan].name if i.plan in PLANS else i.plan,
                    "amount": euros(i.amount_cents),
                    "status": i.status,
                }
                for i in invoices
            ],
        ).classes("w-full").mark("invoices")

    with frame(session, "Billing"):
        await summary()
    subscribe(f"business:{business_id}", Debounced(summary.refresh, delay=0.5))
