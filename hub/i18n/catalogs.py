"""Extract the customer pages' strings and keep every catalogue in step with them.

`python -m hub.i18n.catalogs` rewrites `locales/messages.pot` and merges it into each
language's `.po` that exists (new strings arrive empty, so the completeness test names what to
translate, and the language leaves the switcher until they are). Strings are marked with
`_()` (translate here), `N_()` (translate later) or `ngettext(singular, plural, n)` (the
language's plural forms); a `# NOTE:` comment just above a mark reaches the translators.
"""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from hub.i18n import DOMAIN, LOCALES_DIR, REGISTRY, placeholders  # noqa: F401  (tests import it here)

ROOT = Path(__file__).resolve().parent.parent
# Relative to hub/: the surfaces whose every customer-visible string is translated. The kiosk
# shares the staff scanner's verdicts and camera; those mark only what the kiosk shows.
SOURCES = (
    "ui/card_page",
    "ui/card_render.py",
    "ui/scanner/kiosk.py",
    "ui/scanner/verdicts.py",
    "ui/scanner/camera.py",
    "ui/inserts",
    "ui/admin_campaigns/unsubscribe.py",
    "delivery/email.py",
    "wallet/labels.py",
    "domain/inserts.py",
)
# The server-rendered customer pages' templates mark strings the same way: `_("…")`; a
# `{# NOTE: … #}` comment on the line above reaches the translators.
TEMPLATE_CALL = re.compile(r"""\b_\(\s*"((?:[^"\\]|\\.)*)"|\b_\(\s*'((?:[^'\\]|\\.)*)'""")
TEMPLATE_NOTE = re.compile(r"\{#\s*NOTE:\s*(.*?)\s*#\}")


def extract_templates(fileobj, keywords, comment_tags, options):  # noqa: ANN001, ANN201
    """Babel extraction method for the Jinja2 templates of the customer pages."""
    note: list[str] = []
    for lineno, line in enumerate(fileobj.read().decode("utf-8").splitlines(), 1):
        if found := TEMPLATE_NOTE.search(line):
            note = [found.group(1)]
        for match in TEMPLATE_CALL.finditer(line):
            yield lineno, "_", match.group(1) or match.group(2), note
            note = []


KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "N_plural": (1, 2)}
COMMENT_TAGS = ["NOTE:"]


def messages() -> dict[str | tuple[str, str], list[str]]:
    """Every message the sources use (a string, or singular and plural), in first-use order,
    with the translators' notes on it."""
    found: dict[str | tuple[str, str], list[str]] = {}

    def add(message: str | tuple[str, ...], comments: list[str]) -> None:
        if isinstance(message, tuple):
            if len(message) != 2 or not all(isinstance(m, str) for m in message):
                return
            message = (message[0], message[1])
        elif not isinstance(message, str):
            return
        notes = found.setdefault(message, [])
        notes.extend(c for c in comments if c not in notes)

    for source in SOURCES:
        path = ROOT / source
        if path.is_dir():
            results = extract_from_dir(
                str(path),
                method_map=[("**.py", "python"), ("**.html", "hub.i18n.catalogs:extract_templates")],
                keywords=KEYWORDS,
                comment_tags=COMMENT_TAGS,
                strip_comment_tags=True,
            )
            for _, _, message, comments, _ in results:
                add(message, comments)
        else:
            from babel.messages.extract import extract as extract_file

            with open(path, "rb") as fp:
                for _, message, comments, _ in extract_file(
                    "python", fp, keywords=KEYWORDS, comment_tags=COMMENT_TAGS, strip_comment_tags=True
                ):
                    add(message, comments)
    return found


def extract() -> list[str]:
    """Every msgid used by the sources (a plural's singular), in first-use order."""
    return [m[0] if isinstance(m, tuple) else m for m in messages()]


def template() -> Catalog:
    catalog = Catalog(domain=DOMAIN, project="Stamphub", fuzzy=False)
    for message, notes in messages().items():
        catalog.add(message, auto_comments=notes)
    return catalog


def update() -> None:
    pot = template()
    with open(LOCALES_DIR / f"{DOMAIN}.pot", "wb") as fp:
        write_po(fp, pot, omit_header=False, sort_output=False, width=100)
    for code in REGISTRY:
        path = LOCALES_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"
        if not path.exists():
            continue  # a language arrives as a whole catalogue from its translators
        with open(path, "rb") as fp:
            catalog = read_po(fp, locale=code, domain=DOMAIN)
        catalog.update(pot, no_fuzzy_matching=True)
        with open(path, "wb") as fp:
            write_po(fp, catalog, width=100, ignore_obsolete=True)


if __name__ == "__main__":
    update()
