"""Stand-in translation catalogues for tests of a language before its translators deliver it:
every message of messages.pot, marked with a word of the language's own script so a test can
tell it from English, placeholders kept. Pass the folder as LOCALES_DIR."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from hub.i18n import DOMAIN, LOCALES_DIR

# A word in each script the tests read: "card" in Arabic, Hebrew, Russian, Chinese.
MARKS = {"ar": "بطاقة", "fa": "کارت", "he": "כרטיס", "ur": "کارڈ", "ru": "карта", "zh_Hant": "卡", "nb": "kort"}


def stand_in(code: str, msgid: str) -> str:
    return f"{MARKS.get(code, code)} {msgid}"


def write_catalogue(
    root: Path,
    code: str,
    *,
    leave_out: tuple[str, ...] = (),
    plurals: dict[tuple[str, str], tuple[str, ...]] | None = None,
) -> Path:
    """`root/<code>/LC_MESSAGES/messages.po` translating every message but `leave_out`."""
    catalog = Catalog(locale=code, domain=DOMAIN, project="Stamphub")
    with open(LOCALES_DIR / f"{DOMAIN}.pot", "rb") as fp:
        wanted = [m.id for m in read_po(fp) if m.id]
    for msgid in wanted:
        if isinstance(msgid, tuple):  # every plural form of the language, each marked
            forms = tuple(stand_in(code, msgid[min(i, 1)]) for i in range(catalog.num_plurals))
            catalog.add(msgid, tuple("" for _ in forms) if msgid[0] in leave_out else forms)
        else:
            catalog.add(msgid, "" if msgid in leave_out else stand_in(code, msgid))
    for ids, forms in (plurals or {}).items():
        catalog.add(ids, forms)
    path = root / code / "LC_MESSAGES" / f"{DOMAIN}.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fp:
        write_po(fp, catalog, width=100)
    return path
