"""The "Add to wallet" links a card page shows."""

from __future__ import annotations

from hub.config import settings
from hub.models import Card
from hub.wallet.config import google_configured


def wallet_links(card: Card) -> list[dict[str, str]]:
    """[{"platform": "apple"|"google", "label": ..., "url": ...}] for the configured wallets.

    Apple is always offered (a development signing chain stands in for real certificates);
    Google only once an issuer and a service account are configured.
    """
    if card.deleted_at is not None:
        return []
    base = settings().public_url
    links = [{"platform": "apple", "label": "Add to Apple Wallet", "url": f"{base}/wallet/apple/{card.token}.pkpass"}]
    if google_configured():
        links.append(
            {"platform": "google", "label": "Add to Google Wallet", "url": f"{base}/wallet/google/{card.token}"}
        )
    return links
