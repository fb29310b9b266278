"""The clients of the services the product talks to: SMTP (`email`), the messenger gateway
(`messenger`), wallet notices (`wallet_push`), webhook receivers (`webhook_http`) and the payment
provider (`payments`). One small adapter each, configured by URL, going out through
`hub.egress`; the domain calls them and never sees their protocols.

Senders return a `results.SendResult` (data, not exceptions), so a send loop can record the
outcome on the delivery row whatever happened on the wire.
"""
