"""The card drawn as HTML from the domain's `CardView`, in the page's language.

The whole page (/c/<token>) and the live part its script fetches (/c/<token>/state) come
from `card_body`, so what a reconnect draws is exactly what a fresh load draws.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from hub.clock import utcnow
from hub.domain import codes
from hub.domain.card_view import CardView
from hub.domain.inbox import InboxItem
from hub.i18n import Lang
from hub.models import LotteryDraw, Voucher, VoucherState
from hub.render import colours
from hub.render.qr import svg_data_url
from hub.ui.card_page import views
from hub.ui.card_page.html import render, translator
from hub.ui.card_page.reward import reward_text
from hub.ui.card_render import _image_source

# The designer's stamp icons (Material icon names) as characters: no icon font to download.
ICONS = {
    "local_cafe": "☕",
    "emoji_food_beverage": "🍵",
    "bakery_dining": "🥐",
    "cake": "🍰",
    "icecream": "🍦",
    "local_pizza": "🍕",
    "lunch_dining": "🍔",
    "restaurant": "🍴",
    "local_bar": "🍸",
    "sports_bar": "🍺",
    "content_cut": "✂",
    "spa": "🌿",
    "pets": "🐾",
    "local_florist": "🌸",
    "star": "★",
    "favorite": "♥",
}
ROW_PX = 56  # one reel row; static/page.css has the same height
LOOPS = 6


@dataclass
class Slot:
    filled: bool
    fresh: bool


def card_face(
    design: dict[str, Any],
    lang: Lang,
    *,
    stamps: int,
    stamps_required: int,
    reward_title: str,
    holder: str | None = None,
    new_stamps: int = 0,
    prizes: list[str] | None = None,
) -> dict[str, Any]:
    shown = max(0, min(stamps, stamps_required))
    return {
        "background": colours.css(design, "background"),
        "foreground": colours.css(design, "foreground"),
        "accent": colours.css(design, "accent"),
        "icon": ICONS.get(design.get("stamp_icon") or "local_cafe", "★"),
        "strip": _image_source(design.get("strip")),
        "logo": _image_source(design.get("logo")),
        "title": design.get("title", "Stamp card"),
        "subtitle": design.get("subtitle"),
        "columns": min(max(stamps_required, 1), 5),
        "slots": [Slot(i < shown, i < shown and i >= shown - new_stamps) for i in range(stamps_required)],
        "progress": f"{lang.number(stamps)} / {lang.number(stamps_required)}",
        "reward": reward_text(lang, reward_title, prizes),
        "holder": holder,
    }


def version(view: CardView | None, links: list[dict[str, Any]]) -> str:
    """A digest of what the page is drawn from: the script redraws only when it changes, so a
    late event of what is on screen already does not cut short the pop of the newest stamp."""
    if view is None:
        return "gone"
    template = tuple(getattr(view.template, name) for name in view.template._meta.fields_db_projection)
    drawn = (
        (view.stamps, view.deleted, view.card.number, view.card.template_version, view.holder),
        template,
        (view.business.name, view.business.timezone),
        view.vouchers,
        view.history,
        view.prizes,
        links,
        [_inbox_digest(m) for m in view.inbox],
    )
    return hashlib.sha256(repr(drawn).encode()).hexdigest()[:16]


def _inbox_digest(message: InboxItem) -> tuple[Any, ...]:
    voucher = message.voucher
    shown = (voucher.id, voucher.state.value, voucher.expires_at) if voucher is not None else None
    return (message.id, message.read, message.spin_waiting, shown)


def _voucher_state(voucher: Voucher) -> str:
    if voucher.state in (VoucherState.ISSUED, VoucherState.ACTIVE):
        expired = voucher.expires_at is not None and voucher.expires_at <= utcnow()
        return "expired" if expired else "active"
    return voucher.state.value


def _message_voucher(voucher: Voucher | None, lang: Lang, secret: bytes) -> dict[str, Any] | None:
    """The voucher a message brought, in full while it can be used: title, QR, code, validity."""
    if voucher is None:
        return None
    state = _voucher_state(voucher)
    shown: dict[str, Any] = {"id": voucher.id, "title": voucher.title, "state": state}
    shown["state_text"] = lang._(views.STATE_LABELS[state])
    if state == "active":
        shown["qr"] = svg_data_url(codes.voucher_code(secret, voucher.id))
        shown["code"] = codes.format_redeem_code(voucher.redeem_code)
        shown["valid"] = (
            lang._("Valid until {date}", date=lang.date_text(voucher.expires_at))
            if voucher.expires_at
            else lang._("No expiry date")
        )
    return shown


def _inbox(view: CardView, lang: Lang, secret: bytes) -> list[dict[str, Any]]:
    return [
        {
            "id": m.id,
            "title": m.title or view.business.name,
            "body": m.body,
            "when": lang.datetime_text(m.created_at, "short"),
            "read": m.read,
            "voucher": _message_voucher(m.voucher, lang, secret),
            "spin": m.spin_waiting,
            "draw_id": m.draw_id,
        }
        for m in view.inbox
    ]


def card_body(
    view: CardView | None,
    lang: Lang,
    secret: bytes,
    links: list[dict[str, Any]],
    *,
    join_url: str,
    new_stamps: int = 0,
) -> str:
    if view is None or view.deleted:
        return render("card_body.html", _=translator(lang), deleted=True, join_url=join_url)
    lang.timezone = view.business.timezone
    _ = lang._
    required = view.template.stamps_required
    vouchers = [
        {
            "id": v.id,
            "title": v.title,
            "qr": svg_data_url(codes.voucher_code(secret, v.id)),
            "code": codes.format_redeem_code(v.redeem_code),
            "valid": _("Valid until {date}", date=lang.date_text(v.expires_at))
            if v.expires_at
            else _("No expiry date"),
        }
        for v in view.live_vouchers
    ]
    finished = []
    for v in view.finished_vouchers:
        when = ""
        if v.finished_at:
            at = lang.datetime_text(v.finished_at, "short")
            when = _("Redeemed on {date}", date=at) if v.state == "redeemed" else _("Expired on {date}", date=at)
        finished.append(
            {"id": v.id, "title": v.title, "state": v.state, "state_text": _(views.STATE_LABELS[v.state]), "when": when}
        )
    return render(
        "card_body.html",
        _=translator(lang),
        deleted=False,
        business=view.business.name,
        face=card_face(
            view.template.design or {},
            lang,
            stamps=view.stamps,
            stamps_required=required,
            reward_title=view.template.reward_title,
            holder=view.holder,
            new_stamps=new_stamps,
            prizes=view.prizes,
        ),
        # Without prizes to name (no pool yet), the card still tells that a full card spins.
        lottery=view.template.reward_type == "lottery" and not view.prizes,
        to_go=lang.number(max(required - view.stamps, 0)),
        vouchers=vouchers,
        finished=finished,
        inbox=_inbox(view, lang, secret),
        unread=view.unread,
        token=view.card.token,
        code_qr=svg_data_url(codes.rotating_card_code(secret, view.card.number)),
        number=view.card.number,
        wallets=[_wallet_button(link, lang) for link in links],
        history=[
            {"text": views.describe(row, lang), "when": lang.datetime_text(row.created_at, "short")}
            for row in view.history
        ],
    )


def _wallet_button(link: dict[str, Any], lang: Lang) -> dict[str, str]:
    platform = link.get("platform", "")
    label = views.WALLET_LABELS.get(platform)
    return {"url": link["url"], "platform": platform, "label": lang._(label) if label else link.get("label", "")}


def _label(entry: dict, lang: Lang) -> str:
    return entry["title"] if entry.get("prize_id") else lang._("No prize")


def _won_index(draw: LotteryDraw, entries: list[dict]) -> int:
    return next((i for i, e in enumerate(entries) if e.get("prize_id") == draw.prize_id), len(entries) - 1)


def draw_box(draw: LotteryDraw, token: str, lang: Lang) -> dict[str, Any]:
    """The spin of one draw: decided and stored already; the reel only lands where it says."""
    entries = draw.snapshot or [{"prize_id": None, "title": "", "weight": 1}]
    won = _won_index(draw, entries)
    strip = [_label(e, lang) for _ in range(LOOPS) for e in entries] + [_label(entries[won], lang)]
    html = render(
        "draw.html",
        _=lang._,
        commitment=draw.commitment,
        strip=strip,
        stop=(len(strip) - 1) * ROW_PX,
        reveal_url=f"/c/{token}/draws/{draw.id}/reveal",
    )
    return {"id": draw.id, "html": html}


def draw_result(draw: LotteryDraw, lang: Lang, *, image_url: str | None = None) -> str:
    entries = draw.snapshot or [{"prize_id": None, "title": "", "weight": 1}]
    return render(
        "draw_result.html",
        _=lang._,
        won=bool(draw.prize_id),
        image_url=image_url,
        prize=_label(entries[_won_index(draw, entries)], lang),
        seed=draw.seed,
        fairness_url=f"/fairness?commitment={quote(draw.commitment)}",
    )
