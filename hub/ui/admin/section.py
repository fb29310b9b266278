"""The admin's settings card: a title, a sentence on what it does, then its controls."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from nicegui import ui


@contextmanager
def section(title: str, text: str = "") -> Iterator[ui.card]:
    """A full-width card headed by `title` and `text`; its controls go inside the `with`."""
    with ui.card().classes("w-full gap-2 min-w-0") as card:
        ui.label(title).classes("text-lg font-bold")
        if text:
            ui.label(text).classes("text-sm text-stone-600")
        yield card


def input_row() -> ui.row:
    """Inputs side by side with their button, wrapping onto further lines on a phone."""
    return ui.row().classes("w-full items-end gap-2")
