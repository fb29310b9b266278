"""Signed webhooks: signing (shared with receivers), the HTTP transport, and the reaction that queues deliveries."""
