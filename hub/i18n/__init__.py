"""Translations for the customer-facing pages: gettext catalogues compiled in memory.

The `.po` files under `locales/<code>/LC_MESSAGES/` are the source; they are compiled
with Babel the first time a language is used, so there is no build step and a catalogue
fix ships by editing one file. A language is offered only with a complete catalogue
(`tests/test_i18n.py` enforces it).
"""

from __future__ import annotations

import functools
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DOMAIN = "messages"
DEFAULT = "en"

# Code (as in locales/) -> the language's own name, in switcher order.
LANGUAGES: dict[str, str] = {
    "en": "English",
    "de": "Deutsch",
    "es": "Español",
    "fr": "Français",
    "it": "Italiano",
    "pl": "Polski",
    "pt": "Português",
    "tr": "Türkçe",
    "uk": "Українська",
    "ja": "日本語",
    "ko": "한국어",
    "zh_Hans": "简体中文",
}

# Browser tags that name a supported language under another spelling.
_ALIASES = {
    "zh": "zh_Hans",
    "zh-cn": "zh_Hans",
    "zh-sg": "zh_Hans",
    "zh-hans": "zh_Hans",
    "zh-hans-cn": "zh_Hans",
    "zh-tw": "zh_Hans",
    "zh-hk": "zh_Hans",
    "zh-hant": "zh_Hans",
}


def N_(message: str) -> str:  # noqa: N802
    """Mark a string for extraction where it is defined; translate it where it is shown."""
    return message


def po_path(code: str) -> Path:
    return LOCALES_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def translations(code: str) -> Translations:
    """The compiled catalogue of a supported language (cached for the process)."""
    if code not in LANGUAGES:
        raise KeyError(code)
    with open(po_path(code), "rb") as fp:
        catalog = read_po(fp, locale=code, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def supported(code: str | None) -> str | None:
    """The supported code for a tag like `de`, `pt-BR` or `zh-Hans`, else None."""
    if not code:
        return None
    tag = code.strip().replace("_", "-").lower()
    if tag in _ALIASES:
        return _ALIASES[tag]
    for known in LANGUAGES:
        if known.lower().replace("_", "-") == tag:
            return known
    primary = tag.split("-")[0]
    if primary in LANGUAGES:
        return primary
    return _ALIASES.get(primary)


def from_accept_language(header: str | None) -> str | None:
    """The best supported language of an Accept-Language header, honouring q-values."""
    choices: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if match := re.search(r"q\s*=\s*([^;\s]*)", params):
            try:
                quality = float(match.group(1))
            except ValueError:
                quality = 0.0  # a malformed weight is no preference at all
        if tag and tag != "*" and quality > 0:
            choices.append((-quality, position, tag))
    for _, _, tag in sorted(choices):
        if code := supported(tag):
            return code
    return None


def choose(*, requested: str | None, stored: str | None, accept_language: str | None) -> str:
    """An explicit choice (?lang=) wins, then the browser's stored choice, then its header."""
    return supported(requested) or supported(stored) or from_accept_language(accept_language) or DEFAULT


@dataclass
class Lang:
    """One page's language: translation plus locale-aware dates and numbers."""

    code: str = DEFAULT
    timezone: str = "UTC"
    locale: Locale = field(init=False)
    _translations: Translations = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.code = supported(self.code) or DEFAULT
        self.locale = Locale.parse(self.code)
        self._translations = translations(self.code)

    def _(self, message: str, **values: object) -> str:
        """Translate, then fill `{placeholders}`."""
        text = self._translations.gettext(message)
        return text.format(**values) if values else text

    @property
    def tzinfo(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.timezone or "UTC")
        except (KeyError, ValueError):
            return ZoneInfo("UTC")

    def number(self, value: int | float) -> str:
        return format_decimal(value, locale=self.locale)

    def date_text(self, value: date | datetime, fmt: str = "medium") -> str:
        """A date as this language writes it; a moment counts in the business's time zone."""
        if isinstance(value, datetime):
            value = value.astimezone(self.tzinfo).date()
        return format_date(value, format=fmt, locale=self.locale)

    def datetime_text(self, value: datetime, fmt: str = "medium") -> str:
        return format_datetime(value, format=fmt, tzinfo=self.tzinfo, locale=self.locale)

    def either(self, items: list[str]) -> str:
        """ "A, B or C" as this language writes a choice."""
        return format_list(items, style="or", locale=self.locale)

    @property
    def html_lang(self) -> str:
        return self.code.replace("_", "-")
