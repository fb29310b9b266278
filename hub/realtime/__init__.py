"""Domain events: outbox, relay to Redis, Socket.IO hub and the in-process bus."""
