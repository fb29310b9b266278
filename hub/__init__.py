"""Stamphub: real-time loyalty stamp cards."""

from hub import logs

logs.install()
