"""The parts of a card page, drawn from a CardView in the page's language."""

from __future__ import annotations

import inspect
from typing import Any

from nicegui import ui

from hub.domain import codes
from hub.domain.card_view import CardView, HistoryRow, VoucherView
from hub.i18n import N_, Lang
from hub.render.qr import svg_data_url
from hub.ui.card_page.reward import reward_text
from hub.ui.card_render import render_card
from hub.wallet.links import wallet_links

STATE_LABELS = {"active": N_("Active"), "redeemed": N_("Redeemed"), "expired": N_("Expired")}

WALLET_LABELS = {"apple": N_("Add to Apple Wallet"), "google": N_("Add to Google Wallet")}
WALLET_ICONS = {"apple": "phone_iphone", "google": "account_balance_wallet"}


def card_face(view: CardView, lang: Lang, *, new_stamps: int = 0) -> None:
    required = view.template.stamps_required
    left = max(required - view.stamps, 0)
    render_card(
        view.template.design or {},
        stamps=view.stamps,
        stamps_required=required,
        reward_title=view.template.reward_title,
        progress_text=f"{lang.number(view.stamps)} / {lang.number(required)}",
        reward_text=reward_text(lang, view.template.reward_title, view.prizes),
        holder=view.holder,
        new_stamps=new_stamps,
    )
    with ui.row().classes("w-full justify-between text-sm px-1"):
        if view.template.reward_type == "lottery" and not view.prizes:
            ui.label(lang._("Fill the card to spin the prize draw!")).mark("lottery-hint")
        ui.label(lang._("Stamps to go: {count}", count=lang.number(left))).mark("to-go")


def _voucher_state(voucher: VoucherView, lang: Lang) -> None:
    colour = {"active": "bg-green-100 text-green-900", "redeemed": "bg-red-100 text-red-900"}.get(
        voucher.state, "bg-gray-200 text-gray-800"
    )
    ui.label(lang._(STATE_LABELS[voucher.state])).classes(
        f"text-xs font-bold uppercase tracking-wide px-2 py-1 rounded {colour}"
    ).mark("voucher-state")


def vouchers(view: CardView, lang: Lang, secret: bytes) -> None:
    live = view.live_vouchers
    finished = view.finished_vouchers
    if not live and not finished:
        return
    ui.label(lang._("Your vouchers")).classes("text-lg font-bold mt-2")
    for voucher in live:
        with ui.card().classes("w-full items-center gap-1").mark(f"voucher-{voucher.id}"):
            with ui.row().classes("w-full items-center justify-between no-wrap"):
                ui.label(voucher.title).classes("font-bold text-lg")
                _voucher_state(voucher, lang)
            ui.image(svg_data_url(codes.voucher_code(secret, voucher.id))).classes("w-44 h-44").mark("voucher-qr")
            ui.label(lang._("Redeem code")).classes("text-xs opacity-70")
            ui.label(codes.format_redeem_code(voucher.redeem_code)).classes("font-mono text-2xl tracking-widest").mark(
                "redeem-code"
            )
            if voucher.expires_at:
                ui.label(lang._("Valid until {date}", date=lang.date_text(voucher.expires_at))).classes("text-sm")
            else:
                ui.label(lang._("No expiry date")).classes("text-sm")
            ui.label(lang._("Show this voucher at the counter, or give the cashier the code.")).classes(
                "text-xs opacity-70 text-center"
            )
    for voucher in finished:
        # No QR and no code on a finished voucher: a screenshot of it is visibly dead.
        with ui.card().classes("w-full opacity-70 voucher-finished").mark(f"voucher-{voucher.id}"):
            with ui.row().classes("w-full items-center justify-between no-wrap"):
                ui.label(voucher.title).classes("font-bold line-through")
                _voucher_state(voucher, lang)
            if voucher.finished_at:
                when = lang.datetime_text(voucher.finished_at, "short")
                text = (
                    lang._("Redeemed on {date}", date=when)
                    if voucher.state == "redeemed"
                    else lang._("Expired on {date}", date=when)
                )
                ui.label(text).classes("text-xs")


def card_code(view: CardView, lang: Lang, secret: bytes) -> ui.image:
    """The card's own QR for staff; the caller rotates it (see `codes.rotating_card_code`)."""
    with ui.card().classes("w-full items-center gap-1"):
        ui.label(lang._("Show this code at the counter")).classes("font-bold")
        image = (
            ui.image(svg_data_url(codes.rotating_card_code(secret, view.card.number)))
            .classes("w-52 h-52")
            .mark("card-qr")
        )
        ui.label(lang._("The code changes every 30 seconds, so screenshots do not work.")).classes(
            "text-xs opacity-70 text-center"
        )
        ui.label(lang._("Card no. {number}", number=view.card.number)).classes("text-sm font-mono").mark("card-number")
    return image


def describe(row: HistoryRow, lang: Lang) -> str:
    title = row.title or ""
    match row.kind:
        case "issued" | "joined":
            return lang._("Card issued")
        case "stamp":
            return lang._("Stamp added")
        case "stamp_manual":
            return lang._("Stamps added by the shop: {count}", count=lang.number(row.delta))
        case "stamp_removed" | "stamp_undone":
            return lang._("Stamps removed by the shop: {count}", count=lang.number(abs(row.delta)))
        case "voucher_issued":
            return lang._("Voucher received: {title}", title=title)
        case "voucher_redeemed":
            return lang._("Voucher redeemed: {title}", title=title)
        case "voucher_expired":
            return lang._("Voucher expired: {title}", title=title)
        case "lottery_drawn":
            if row.won:
                return lang._("Prize draw won: {title}", title=title)
            return lang._("Prize draw: no prize this time")
        case "deleted":
            return lang._("Card deleted")
    return row.kind


def history(view: CardView, lang: Lang) -> None:
    if not view.history:
        return
    with ui.expansion(lang._("History"), icon="history").classes("w-full bg-white rounded").mark("history"):
        for row in view.history:
            with ui.row().classes("w-full justify-between no-wrap text-sm py-1 border-b border-gray-100"):
                ui.label(describe(row, lang)).classes("min-w-0")
                ui.label(lang.datetime_text(row.created_at, "short")).classes("opacity-60 shrink-0")


async def wallet_links_of(view: CardView) -> list[dict[str, Any]]:
    links: Any = wallet_links(view.card)
    if inspect.isawaitable(links):
        links = await links
    return list(links or [])


def wallet_buttons(links: list[dict[str, Any]], lang: Lang) -> None:
    for link in links:
        platform = link.get("platform", "")
        label = lang._(WALLET_LABELS[platform]) if platform in WALLET_LABELS else link.get("label", "")
        with (
            ui.link(target=link["url"])
            .classes(
                "w-full no-underline bg-black text-white rounded-xl py-3 px-4 flex items-center justify-center gap-2"
            )
            .mark(f"wallet-{platform}")
        ):
            ui.icon(WALLET_ICONS.get(platform, "wallet"))
            ui.label(label)
