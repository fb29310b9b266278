"""What the owner sees before sending: the email as a sample customer gets it, and how many of
the audience each channel reaches (by the rule the sender applies, `eligibility.skip_reason`)."""

from __future__ import annotations

from typing import Any

from hub.config import settings
from hub.delivery.email import EmailContent, render_html, render_text
from hub.domain import segments
from hub.domain.campaigns.creating import clean_attachment
from hub.domain.campaigns.eligibility import Contact, push_routes, skip_reason
from hub.domain.campaigns.placeholders import SAMPLE, card_values, render
from hub.domain.lottery import SPIN_WAITING
from hub.domain.web_push import subscribed_cards
from hub.models import Business, Card, CardTemplate, ContactPreference, Customer, MessengerIntegration


async def preview(
    business_id: int,
    *,
    subject: str,
    body: str,
    attachment: dict[str, Any] | None = None,
    card_id: int | None = None,
    secret: bytes | None = None,
    public_url: str | None = None,
) -> dict[str, str]:
    """The email as a sample customer would get it: {"subject", "text", "html"}; no voucher is made."""
    business = await Business.get(id=business_id)
    query = Card.filter(business_id=business_id, deleted_at=None)
    card = await (query.filter(id=card_id) if card_id else query.order_by("id")).first()
    public_url = public_url or settings().public_url
    if card is not None:
        customer = await Customer.get(id=card.customer_id)
        template = await CardTemplate.get(id=card.template_id)
        values: dict[str, Any] = card_values(
            business=business.name, customer_name=customer.name, card=card, template=template, public_url=public_url
        )
        design = template.design or {}
    else:
        values = {**SAMPLE, "business": business.name, "card_url": f"{public_url}/c/example"}
        first = await CardTemplate.filter(business_id=business_id).order_by("id").first()
        design = first.design if first else {}
    clean = clean_attachment(business_id, attachment) if attachment else {}
    values.update(voucher="", voucher_code="", voucher_expires="")
    if clean.get("type") == "voucher":
        values.update(voucher=clean["title"], voucher_code="ABCD-EFGH")
    elif clean.get("type") == "lottery":
        values.update(voucher=SPIN_WAITING, voucher_code="")
    content = EmailContent(
        to="customer@example.com",
        to_name=values["name"],
        subject=render(subject or business.name, values),
        text=render(body, values),
        business_name=business.name,
        colors={k: str(v) for k, v in design.items() if k in ("background", "foreground", "accent")},
        card_url=values["card_url"],
        unsubscribe_url=f"{public_url}/u/preview",
        one_click_url=f"{public_url}/u/preview",
        message_id="<preview@stamphub>",
        voucher_title=values["voucher"] or None,
        voucher_code=values["voucher_code"] or None,
    )
    return {"subject": content.subject, "text": render_text(content), "html": render_html(content)}


async def reach(business_id: int, spec: dict[str, Any], *, kind: str = "broadcast") -> dict[str, Any]:
    """How many of the audience each channel can reach. PUSH (`push`) is split by where it shows
    up: `wallet` passes, `web_push` browsers (a card may have both), and `inbox_only`, the card
    page alone."""
    recipients = await segments.recipients(business_id, segments.normalize(spec))
    customer_ids = [r.customer_id for r in recipients]
    customers = {
        c["id"]: c for c in await Customer.filter(id__in=customer_ids).values("id", "email", "marketing_consent")
    }
    prefs = {p.customer_id: p for p in await ContactPreference.filter(customer_id__in=customer_ids)}
    platforms = dict(await Card.filter(id__in=[r.card_id for r in recipients]).values_list("id", "platforms"))
    integration = await MessengerIntegration.get_or_none(business_id=business_id, status="connected")
    browsers = await subscribed_cards([r.card_id for r in recipients])
    out = {
        "audience": len(recipients),
        "email": 0,
        "push": 0,
        "messenger": 0,
        "wallet": 0,
        "web_push": 0,
        "inbox_only": 0,
    }
    for r in recipients:
        customer = customers.get(r.customer_id, {})
        contact = Contact(
            customer.get("email"),
            bool(customer.get("marketing_consent")),
            platforms.get(r.card_id),
            prefs.get(r.customer_id),
        )
        for channel in ("email", "push", "messenger"):
            if skip_reason(channel, contact, marketing=kind != "direct", integration=integration) is None:
                out[channel] += 1
                if channel == "push":
                    routes = push_routes(contact.platforms, r.card_id in browsers)
                    for route in routes or ["inbox_only"]:
                        out[route] += 1
    return out
