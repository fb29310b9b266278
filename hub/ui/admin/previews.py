"""Side-by-side previews for the designer: the web card (the real renderer), the Apple Wallet
store card and the Google Wallet loyalty card.

The passes' pictures (Apple's logo and stamp strip, Google's programme logo) are the very
images the real passes ship, drawn by `hub/render/pass_images.py`; only the frame around them,
which the phone's wallet draws, is approximated here in HTML."""

from __future__ import annotations

import functools
import html
from typing import Any

from nicegui import ui

from hub.domain.templates import COLOUR_KEYS, DEFAULT_DESIGN
from hub.render import colours, qr, text
from hub.render import pass_images as images
from hub.ui.card_render import render_card
from hub.wallet.apple import PRIMARY_BAND

# Retina-sharp at the preview's 320 px, like the @2x images an iPhone shows.
SCALE = 2


# What the pass images are drawn from: typing a reward or a label redraws none of them.
_LOOK = ("background", "foreground", "accent", "logo", "strip")


@functools.cache
def _sample_qr() -> str:
    return qr.svg_data_url("C.000000.preview")


def _picture(kind: str, design: dict[str, Any], *args: Any) -> str:
    look = tuple((key, design.get(key)) for key in _LOOK) + (("title", text.first_letter(design.get("title") or "")),)
    return _drawn(kind, look, *args)


@functools.lru_cache(maxsize=64)
def _drawn(kind: str, look: tuple[tuple[str, Any], ...], *args: Any) -> str:
    """A pass image as the pass ships it; a few owners typing hit the cache, not Pillow."""
    design = dict(look)
    if kind == "strip":
        stamps, required, scale, band = args
        return images.data_url(images.strip(design, stamps, required, scale, text_band=band))
    return images.data_url(getattr(images, kind)(design, *args))


def _stamp_row(design: dict[str, Any], stamps: int, required: int, size: int) -> str:
    icon = html.escape(design.get("stamp_icon") or "local_cafe")
    out = []
    for i in range(required):
        filled = i < stamps
        colour = design["accent"] if filled else design["foreground"]
        name = icon if filled else "radio_button_unchecked"
        out.append(
            f'<span class="material-icons" style="font-size:{size}px;color:{colour};'
            f'opacity:{1 if filled else 0.5}">{name}</span>'
        )
    return "".join(out)


def web_card(values: dict[str, Any], stamps: int) -> None:
    with ui.column().classes("items-center gap-1").mark("preview-web"):
        ui.label("Web card").classes("text-xs uppercase text-stone-500")
        render_card(
            values["design"],
            stamps=stamps,
            stamps_required=values["stamps_required"],
            reward_title=values["reward_title"],
        )


def apple_pass(values: dict[str, Any], stamps: int, business_name: str) -> None:
    d = values["design"]
    e = html.escape
    logo = _picture("logo", d, SCALE)
    subtitle = str(d.get("subtitle") or "")
    band = PRIMARY_BAND if subtitle else 0.0
    strip = _picture("strip", d, stamps, values["stamps_required"], SCALE, band)
    # Wallet draws the primary field (the subtitle) over the strip's upper left.
    primary = (
        f'<div style="position:absolute;left:12px;top:8px;font-size:20px;line-height:1.2">{e(subtitle)}</div>'
        if subtitle
        else ""
    )
    ui.html(
        f"""
<div style="width:320px;border-radius:14px;overflow:hidden;background:{d["background"]};color:{d["foreground"]};
            font-family:-apple-system,Helvetica,Arial,sans-serif;box-shadow:0 4px 14px rgba(0,0,0,.25)">
  <div style="display:flex;align-items:center;gap:8px;padding:10px 12px">
    <img src="{logo}" style="height:32px;width:auto;max-width:120px" data-image="logo">
    <span style="font-weight:600">{e(business_name)}</span>
    <span style="margin-left:auto;text-align:right">
      <div style="font-size:9px;text-transform:uppercase;color:{d["accent"]}">{e(d["stamps_label"])}</div>
      <div style="font-size:18px">{stamps}/{values["stamps_required"]}</div>
    </span>
  </div>
  <div style="position:relative;line-height:0">
    <img src="{strip}" style="width:320px;height:auto;display:block" data-image="strip">{primary}
  </div>
  <div style="display:flex;justify-content:space-between;padding:10px 12px">
    <span><div style="font-size:9px;text-transform:uppercase;color:{d["accent"]}">{e(d["reward_label"])}</div>
          <div>{e(values["reward_title"])}</div></span>
    <span style="text-align:right"><div style="font-size:9px;text-transform:uppercase;color:{d["accent"]}">Card</div>
          <div>{e(d["title"])}</div></span>
  </div>
  <div style="display:flex;justify-content:center;padding:8px 0 14px">
    <img src="{_sample_qr()}" style="width:110px;background:#fff;border-radius:6px;padding:4px">
  </div>
</div>""",
        sanitize=False,
    ).mark("preview-apple")


def google_pass(values: dict[str, Any], stamps: int, business_name: str) -> None:
    d = values["design"]
    e = html.escape
    # Google crops the programme logo to a circle.
    logo = (
        f'<img src="{_picture("program_logo", d)}" data-image="program-logo" '
        'style="width:32px;height:32px;border-radius:50%;object-fit:cover">'
    )
    hero = (
        f'<img src="{e(d["strip"])}" style="width:100%;height:110px;object-fit:cover;display:block">'
        if d.get("strip")
        else ""
    )
    ui.html(
        f"""
<div style="width:320px;border-radius:22px;overflow:hidden;background:{d["background"]};color:{d["foreground"]};
            font-family:Roboto,Arial,sans-serif;box-shadow:0 4px 14px rgba(0,0,0,.25)">
  <div style="display:flex;align-items:center;gap:10px;padding:14px 16px 6px">{logo}
    <span style="font-size:14px">{e(business_name)}</span></div>
  <div style="padding:4px 16px 12px;font-size:22px">{e(d["title"])}</div>
  <div style="display:flex;justify-content:space-between;padding:0 16px 12px">
    <span><div style="font-size:11px;opacity:.8">{e(d["stamps_label"])}</div>
          <div style="font-size:16px">{stamps} / {values["stamps_required"]}</div></span>
    <span style="text-align:right"><div style="font-size:11px;opacity:.8">{e(d["reward_label"])}</div>
          <div style="font-size:16px">{e(values["reward_title"])}</div></span>
  </div>
  <div style="padding:0 16px 10px">{_stamp_row(d, stamps, values["stamps_required"], 20)}</div>
  <div style="display:flex;justify-content:center;padding:10px 0 16px">
    <img src="{_sample_qr()}" style="width:120px;background:#fff;border-radius:8px;padding:6px">
  </div>
  {hero}
</div>""",
        sanitize=False,
    ).mark("preview-google")


def safe_values(values: dict[str, Any]) -> dict[str, Any]:
    """What the previews draw while the owner is mid-typing: half-typed colours fall back to
    the defaults and the stamp count stays in range, so the preview never breaks."""
    design = {**DEFAULT_DESIGN, **values.get("design", {})}
    for key in COLOUR_KEYS:
        if not colours.is_colour(design[key]):
            design[key] = DEFAULT_DESIGN[key]
    for key in ("logo", "strip"):
        if design.get(key) and not str(design[key]).startswith("/uploads/"):
            design[key] = None
    try:
        required = min(50, max(1, int(values.get("stamps_required") or 1)))
    except (TypeError, ValueError):
        required = 1
    return {
        **values,
        "design": design,
        "stamps_required": required,
        "reward_title": str(values.get("reward_title") or ""),
    }


def all_previews(values: dict[str, Any], stamps: int, business_name: str) -> None:
    values = safe_values(values)
    stamps = min(stamps, values["stamps_required"])
    with ui.row().classes("gap-6 items-start"):
        web_card(values, stamps)
        with ui.column().classes("items-center gap-1"):
            ui.label("Apple Wallet").classes("text-xs uppercase text-stone-500")
            apple_pass(values, stamps, business_name)
        with ui.column().classes("items-center gap-1"):
            ui.label("Google Wallet").classes("text-xs uppercase text-stone-500")
            google_pass(values, stamps, business_name)
