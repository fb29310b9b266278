"""The app as NiceGUI's `user` fixture loads it: every page, on the test's own runtime."""

from nicegui import ui

from hub.ui import pages

pages.register()
ui.run(storage_secret="test storage secret", show_welcome_message=False)
