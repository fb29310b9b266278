"""Plan changes, invoices and the payment provider's webhooks.

A failed payment opens a grace period: the plan keeps working while the owner fixes the
card; only when the grace period ends unpaid does the business fall back to Free.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from hub.clock import utcnow
from hub.delivery.payments import PaymentProvider, PaymentUnavailable
from hub.domain.plans import PLANS, Plan, billable_locations, month_key, plan_of, price_cents, usage
from hub.errors import InvalidInput, NotFound
from hub.models import Business, Invoice, Location, PaymentEvent, StaffSeat

GRACE = timedelta(days=14)


@dataclass(frozen=True)
class Account:
    """What the billing page shows: the plan and its price, this month's use, what is billed."""

    plan_key: str
    plan: Plan
    price_cents: int
    operations: int  # this local month
    seats: int
    locations: int
    grace_until: datetime | None
    invoices: list[Invoice]


async def account(business_id: int, *, invoices: int = 24) -> Account:
    business = await Business.get(id=business_id)
    return Account(
        plan_key=business.plan,
        plan=plan_of(business),
        price_cents=await price_cents(business),
        operations=await usage(business_id),
        seats=await StaffSeat.filter(business_id=business_id, revoked_at=None).count(),
        locations=await Location.filter(business_id=business_id).count(),
        grace_until=business.grace_until,
        invoices=await Invoice.filter(business_id=business_id).order_by("-created_at").limit(invoices),
    )


async def start_checkout(business_id: int, plan: str, provider: PaymentProvider | None, public_url: str) -> str:
    """Create a hosted checkout for a paid plan; returns the URL to send the owner to."""
    if plan not in ("monthly", "yearly"):
        raise InvalidInput("Choose the Monthly or Yearly plan.", field="plan")
    if provider is None:
        raise PaymentUnavailable()
    session = await provider.create_checkout_session(
        business_id=business_id,
        plan=plan,
        quantity=await billable_locations(business_id),
        success_url=f"{public_url}/admin/billing?checkout=done",
        cancel_url=f"{public_url}/admin/billing?checkout=cancelled",
    )
    return session["url"]


async def downgrade_to_free(
    business_id: int,
) -> Business:
    seats = await StaffSeat.filter(business_id=business_id, revoked_at=None).count()
    if seats > 1:
        raise InvalidInput(
            f"Free Forever includes 1 staff seat and you have {seats}. Revoke seats down to one first.",
            field="plan",
        )
    return await _set_plan(business_id, "free")


async def _set_plan(
    business_id: int,
    plan: str,
) -> Business:
    now = utcnow()
    business = await Business.get_or_none(id=business_id)
    if business is None:
        raise NotFound("No such business.")
    business.plan = plan
    business.grace_until = None
    # The Free meter starts from what the journal already counts this month.
    business.ops_month = month_key(now, business.timezone)
    business.ops_count = await usage(business_id)
    await business.save(update_fields=["plan", "grace_until", "ops_month", "ops_count"])
    return business


def _ts(value: Any, default: datetime) -> datetime:
    return datetime.fromtimestamp(int(value), UTC) if value else default


async def handle_payment_event(
    event: dict[str, Any],
) -> str:
    """Apply a verified provider webhook once; a redelivery returns 'duplicate' and changes nothing."""
    now = utcnow()
    kind = event.get("type", "")
    obj = (event.get("data") or {}).get("object") or {}
    try:
        async with in_transaction() as conn:
            await PaymentEvent.create(provider_event_id=str(event.get("id")), kind=kind, using_db=conn)
    except IntegrityError:
        return "duplicate"
    business = await _business_for(obj)
    if business is None:
        return "ignored"
    plan = (obj.get("metadata") or {}).get("plan") or business.plan
    if kind == "checkout.session.completed":
        business = await _set_plan(business.id, plan)
        business.payment_customer = obj.get("customer")
        await business.save(update_fields=["payment_customer"])
        await _invoice(business, obj, plan, "paid", now)
        return "upgraded"
    if kind == "invoice.paid":
        await Business.filter(id=business.id).update(grace_until=None)
        await _invoice(business, obj, plan, "paid", now)
        return "paid"
    if kind == "invoice.payment_failed":
        await Business.filter(id=business.id, grace_until=None).update(grace_until=now + GRACE)
        await _invoice(business, obj, plan, "failed", now)
        return "grace"
    if kind == "customer.subscription.deleted":
        await _set_plan(business.id, "free")
        return "cancelled"
    return "ignored"


async def _business_for(obj: dict[str, Any]) -> Business | None:
    if ref := obj.get("client_reference_id"):
        return await Business.get_or_none(id=int(ref))
    if customer := obj.get("customer"):
        return await Business.get_or_none(payment_customer=customer)
    return None


async def _invoice(business: Business, obj: dict[str, Any], plan: str, status: str, now: datetime) -> None:
    period = timedelta(days=365 if plan == "yearly" else 31)
    locations = await billable_locations(business.id)
    amount = obj.get("amount_total") or obj.get("amount_paid") or obj.get("amount_due")
    await Invoice.update_or_create(
        provider_ref=str(obj.get("id")),
        defaults={
            "business_id": business.id,
            "plan": plan,
            "locations": locations,
            "amount_cents": int(amount if amount is not None else PLANS[plan].price_cents * locations),
            "period_start": _ts(obj.get("period_start"), now),
            "period_end": _ts(obj.get("period_end"), now + period),
            "status": status,
        },
    )


async def end_expired_grace() -> int:
    """Businesses whose grace period ran out unpaid go back to Free."""
    now = utcnow()
    overdue = await Business.filter(grace_until__lt=now).values_list("id", flat=True)
    for business_id in overdue:
        await _set_plan(business_id, "free")
    return len(overdue)
