"""The one card renderer: card page, kiosk, admin preview and "view as customer" use it."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from hub.render import colours

# Pages that animate stamps add this once (`ui.add_css(CARD_CSS)`); without it the card
# simply renders without motion, which is what the designer preview wants.
CARD_CSS = """
@keyframes stamp-pop {
  0% { transform: scale(0.2) rotate(-30deg); opacity: 0; }
  60% { transform: scale(1.35) rotate(8deg); opacity: 1; }
  100% { transform: scale(1) rotate(0); opacity: 1; }
}
.stamp-new { animation: stamp-pop 0.6s cubic-bezier(.2,.9,.3,1.4) both; }
.stamp-slot { width: 44px; height: 44px; border-radius: 9999px; display: flex;
  align-items: center; justify-content: center; }
@media (max-width: 380px) { .stamp-slot { width: 38px; height: 38px; } }
"""


def _image_source(value: Any) -> str | None:
    """Design images are URLs or data URLs; anything else is ignored rather than injected."""
    if isinstance(value, str) and value.startswith(("https://", "http://", "data:image/", "/")):
        return value
    return None


def render_card(
    design: dict[str, Any],
    *,
    stamps: int,
    stamps_required: int,
    reward_title: str,
    progress_text: str | None = None,
    reward_text: str | None = None,
    holder: str | None = None,
    new_stamps: int = 0,
) -> None:
    """Draw the card face: logo, title, stamp grid, progress and reward.

    `progress_text` / `reward_text` replace the default "3 / 8" and "Reward: …" lines (the
    card page passes translated ones); `new_stamps` makes the last that many filled stamps
    pop in (needs CARD_CSS on the page).
    """
    background = colours.css(design, "background")
    foreground = colours.css(design, "foreground")
    accent = colours.css(design, "accent")
    icon = design.get("stamp_icon", "local_cafe")
    shown = max(0, min(stamps, stamps_required))
    with (
        ui.card()
        .classes("w-full max-w-sm rounded-2xl shadow-lg gap-1")
        .style(f"background:{background};color:{foreground}")
        .mark("card-face")
    ):
        if strip := _image_source(design.get("strip")):
            ui.image(strip).classes("w-full h-20 rounded-xl object-cover")
        with ui.row().classes("items-center gap-3 no-wrap w-full"):
            if logo := _image_source(design.get("logo")):
                ui.image(logo).classes("w-10 h-10 rounded-full")
            with ui.column().classes("gap-0 min-w-0"):
                ui.label(design.get("title", "Stamp card")).classes("text-xl font-bold leading-tight")
                if design.get("subtitle"):
                    ui.label(design["subtitle"]).classes("text-sm opacity-80")
        with ui.grid(columns=min(max(stamps_required, 1), 5)).classes("gap-2 my-2 self-center"):
            for i in range(stamps_required):
                filled = i < shown
                fresh = filled and i >= shown - new_stamps
                with (
                    ui.element("div")
                    .classes("stamp-slot")
                    .style(
                        f"background:{accent if filled else 'transparent'};"
                        f"border:2px {'solid' if filled else 'dashed'} {accent if filled else foreground};"
                        f"opacity:{1 if filled else 0.5}"
                    )
                ):
                    ui.icon(icon if filled else "circle", size="24px").classes("stamp-new" if fresh else "").style(
                        f"color:{background if filled else 'transparent'}"
                    ).mark("stamp-filled" if filled else "stamp-empty")
        with ui.row().classes("w-full items-end justify-between no-wrap"):
            ui.label(progress_text or f"{stamps} / {stamps_required}").classes("text-2xl font-bold").mark("progress")
            if holder:
                ui.label(holder).classes("text-sm opacity-80 truncate").mark("holder")
        ui.label(reward_text or f"Reward: {reward_title}").classes("text-sm").mark("reward")
