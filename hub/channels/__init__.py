"""Message channels for campaigns: one small adapter per third-party protocol.

Each adapter is configured by URL and returns a `SendResult` (data, not exceptions), so a
send loop can record the outcome on the delivery row whatever happened on the wire.
"""
