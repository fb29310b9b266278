"""Extract the customer pages' strings and keep every catalogue in step with them.

`python -m hub.i18n.catalogs` rewrites `locales/messages.pot` and merges it into each
language's `.po` (new strings arrive empty, so the completeness test names what to
translate). Strings are marked with `_()` (translate here) or `N_()` (translate later).
"""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from hub.i18n import DOMAIN, LANGUAGES, LOCALES_DIR, po_path

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
)
# The server-rendered customer pages' templates mark strings the same way: `_("…")`.
TEMPLATE_CALL = re.compile(r"""\b_\(\s*"((?:[^"\\]|\\.)*)"|\b_\(\s*'((?:[^'\\]|\\.)*)'""")


def extract_templates(fileobj, keywords, comment_tags, options):  # noqa: ANN001, ANN201
    """Babel extraction method for the Jinja2 templates of the customer pages."""
    for lineno, line in enumerate(fileobj.read().decode("utf-8").splitlines(), 1):
        for match in TEMPLATE_CALL.finditer(line):
            yield lineno, "_", match.group(1) or match.group(2), []


KEYWORDS = {"_": None, "N_": None}
PLACEHOLDER = re.compile(r"\{[a-zA-Z_][a-zA-Z0-9_]*\}")


def extract() -> list[str]:
    """Every msgid used by the sources, in first-use order."""
    found: dict[str, None] = {}
    for source in SOURCES:
        path = ROOT / source
        if path.is_dir():
            results = extract_from_dir(
                str(path),
                method_map=[("**.py", "python"), ("**.html", "hub.i18n.catalogs:extract_templates")],
                keywords=KEYWORDS,
            )
            for _, _, message, _, _ in results:
                found.setdefault(message, None)
        else:
            from babel.messages.extract import extract as extract_file

            with open(path, "rb") as fp:
                for _, message, _, _ in extract_file("python", fp, keywords=KEYWORDS):
                    found.setdefault(message, None)
    return [m for m in found if isinstance(m, str)]


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def template() -> Catalog:
    catalog = Catalog(domain=DOMAIN, project="Stamphub", fuzzy=False)
    for message in extract():
        catalog.add(message)
    return catalog


def update() -> None:
    pot = template()
    with open(LOCALES_DIR / f"{DOMAIN}.pot", "wb") as fp:
        write_po(fp, pot, omit_header=False, sort_output=False, width=100)
    for code in LANGUAGES:
        path = po_path(code)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with open(path, "rb") as fp:
                catalog = read_po(fp, locale=code, domain=DOMAIN)
        else:
            catalog = Catalog(locale=code, domain=DOMAIN, project="Stamphub")
        catalog.update(pot, no_fuzzy_matching=True)
        with open(path, "wb") as fp:
            write_po(fp, catalog, width=100, ignore_obsolete=True)


if __name__ == "__main__":
    update()
