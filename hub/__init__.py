"""Stamphub: real-time loyalty stamp cards."""
