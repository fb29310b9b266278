"""Admin console pieces for integrations: webhooks, delivery inserts, receipt QR keys."""
