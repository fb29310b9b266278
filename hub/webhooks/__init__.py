"""Signed webhooks: signing (shared with receivers) and the reaction that queues deliveries; the
HTTP side is hub.delivery.webhook_http."""
