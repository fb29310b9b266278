"""Registers every surface's pages (called once per app; tests call it per simulated app)."""

import importlib

SURFACES = [
    "hub.ui.admin.pages",
    "hub.ui.admin_campaigns.pages",
    "hub.ui.billing.pages",
    "hub.ui.card_page.pages",
    "hub.ui.scanner.pages",
    "hub.ui.inserts.pages",
    "hub.ui.admin_integrations.pages",
]


def register() -> None:
    for surface in SURFACES:
        importlib.import_module(surface).register()
