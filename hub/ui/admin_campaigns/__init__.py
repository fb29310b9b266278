"""Admin console: campaigns, automations, the messenger gateway, and the public unsubscribe page."""
