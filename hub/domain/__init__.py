"""Business rules as plain async functions. Never imports NiceGUI or FastAPI."""
