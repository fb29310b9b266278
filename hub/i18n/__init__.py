"""Translations for the customer-facing pages: gettext catalogues compiled in memory.

The `.po` files under `locales/<code>/LC_MESSAGES/` are the source; they are compiled
with Babel the first time a language is used, so there is no build step and a catalogue
fix ships by editing one file (or by dropping it into `LOCALES_DIR`). A language is offered
only while its catalogue translates every message of `locales/messages.pot` with the same
placeholders, so a language still being translated stays out of the switcher and out of
`Accept-Language` matching until it is done (`tests/test_i18n.py` holds them all to that).
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
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from babel.support import Translations

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DOMAIN = "messages"
DEFAULT = "en"

# Every language the customer pages speak once translated (Babel identifiers, as in locales/),
# in switcher order.
CODES: tuple[str, ...] = (
    "en", "ar", "az", "bg", "bn", "ca", "cs", "da", "de", "el", "es", "et", "fa", "fi", "fil", "fr",
    "he", "hi", "hr", "hu", "hy", "id", "is", "it", "ja", "ka", "kk", "ko", "lt", "lv", "mk", "ms",
    "nb", "nl", "pl", "pt_BR", "pt_PT", "ro", "ru", "sk", "sl", "sq", "sr", "sv", "sw", "ta", "th",
    "tr", "uk", "ur", "uz", "vi", "zh_Hans", "zh_Hant",
)  # fmt: skip


def own_name(code: str) -> str:
    """The language's name in itself, capitalised as a menu entry (CLDR's names are mid-sentence)."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


# Code -> the language's own name, for every language in CODES.
REGISTRY: dict[str, str] = {code: own_name(code) for code in CODES}

# Browser tags that name a language under another spelling or an older code.
_ALIASES = {
    "zh": "zh_Hans",
    "zh-cn": "zh_Hans",
    "zh-sg": "zh_Hans",
    "zh-my": "zh_Hans",
    "zh-hans": "zh_Hans",
    "zh-tw": "zh_Hant",
    "zh-hk": "zh_Hant",
    "zh-mo": "zh_Hant",
    "zh-hant": "zh_Hant",
    "pt": "pt_BR",  # Brazil writes most of the Portuguese on the web; Portugal sends pt-PT
    "pt-ao": "pt_PT",  # Africa's Portuguese follows the European norm
    "pt-mz": "pt_PT",
    "no": "nb",
    "nn": "nb",
    "tl": "fil",
    "iw": "he",
    "in": "id",
    "mo": "ro",
    "sh": "sr",
    "zsm": "ms",
    "pes": "fa",
    "prs": "fa",
    "swh": "sw",
    "uzn": "uz",
}


def N_(message: str) -> str:  # noqa: N802
    """Mark a string for extraction where it is defined; translate it where it is shown."""
    return message


PLACEHOLDER = re.compile(r"\{[a-zA-Z_][a-zA-Z0-9_]*\}")


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def _extra_dir() -> Path | None:
    from hub.config import settings

    return settings().locales_dir


def po_path(code: str) -> Path:
    """The catalogue of `code`: one in LOCALES_DIR first, else the one shipped with the code."""
    relative = Path(code) / "LC_MESSAGES" / f"{DOMAIN}.po"
    extra = _extra_dir()
    if extra is not None and (extra / relative).is_file():
        return extra / relative
    return LOCALES_DIR / relative


def template_ids() -> list[str]:
    """The msgids of messages.pot: what a catalogue must translate to be offered."""
    return list(_template_ids())


@functools.cache
def _template_ids() -> tuple[str, ...]:
    with open(LOCALES_DIR / f"{DOMAIN}.pot", "rb") as fp:
        return tuple(_key(m.id) for m in read_po(fp, domain=DOMAIN) if m.id)


def _key(msgid: str | tuple[str, ...]) -> str:
    return msgid[0] if isinstance(msgid, tuple) else msgid


def problems(catalog: Catalog, wanted: list[str] | tuple[str, ...]) -> list[str]:
    """What keeps a catalogue from being complete: missing, empty, fuzzy, other placeholders."""
    found: list[str] = []
    for msgid in wanted:
        message = catalog.get(msgid)
        if message is None:
            found.append(f"missing: {msgid!r}")
            continue
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        sources = [message.id] if isinstance(message.id, str) else list(message.id)
        allowed = set().union(*(placeholders(s) for s in sources))
        if not all(form and form.strip() for form in forms):
            found.append(f"untranslated: {msgid!r}")
        elif isinstance(message.id, tuple) and len(forms) != catalog.num_plurals:
            found.append(f"{len(forms)} plural forms instead of {catalog.num_plurals}: {msgid!r}")
        elif message.fuzzy:
            found.append(f"fuzzy: {msgid!r}")
        elif isinstance(message.id, str) and placeholders(forms[0]) != allowed:
            found.append(f"placeholders differ: {msgid!r} -> {forms[0]!r}")
        elif any(not placeholders(form) <= allowed for form in forms):
            found.append(f"placeholders differ: {msgid!r} -> {forms!r}")
    return found


@functools.cache
def _catalog(path: Path, code: str) -> Catalog:
    with open(path, "rb") as fp:
        return read_po(fp, locale=code, domain=DOMAIN)


def catalog(code: str) -> Catalog | None:
    """The parsed catalogue of `code`, or None while it has none."""
    path = po_path(code)
    return _catalog(path, code) if path.is_file() else None


def languages() -> dict[str, str]:
    """Code -> own name of every language offered now: English and each complete catalogue."""
    return dict(_offered(_extra_dir()))


@functools.cache
def _offered(extra: Path | None) -> tuple[tuple[str, str], ...]:
    wanted = _template_ids()
    ready = []
    for code, name in REGISTRY.items():
        if code == DEFAULT:
            ready.append((code, name))
        elif (found := catalog(code)) is not None and not problems(found, wanted):
            ready.append((code, name))
    return tuple(ready)


@functools.cache
def _offered_tags(extra: Path | None) -> dict[str, str]:
    """Offered codes by their browser spelling: pt-br -> pt_BR."""
    return {code.lower().replace("_", "-"): code for code, _ in _offered(extra)}


def translations(code: str) -> Translations:
    """The compiled catalogue of an offered language (cached for the process)."""
    if code not in languages():
        raise KeyError(code)
    return _compiled(po_path(code), code)


@functools.cache
def _compiled(path: Path, code: str) -> Translations:
    buffer = io.BytesIO()
    if code != DEFAULT or path.is_file():
        write_mo(buffer, _catalog(path, code), use_fuzzy=False)
    else:
        write_mo(buffer, Catalog(locale=code, domain=DOMAIN))
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def supported(code: str | None) -> str | None:
    """The offered code for a tag like `de`, `pt-BR`, `zh-TW` or `iw`, else None."""
    if not code:
        return None
    by_tag = _offered_tags(_extra_dir())
    tag = code.strip().replace("_", "-").lower()
    parts = tag.split("-")
    # The most specific spelling first: zh-hant-tw, zh-hant, zh.
    for length in range(len(parts), 0, -1):
        prefix = "-".join(parts[:length])
        if prefix in by_tag:
            return by_tag[prefix]
        if (alias := _ALIASES.get(prefix)) and alias.lower().replace("_", "-") in by_tag:
            return alias
    return None


def from_accept_language(header: str | None) -> str | None:
    """The best offered language of an Accept-Language header, honouring q-values."""
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


def choose(
    *, requested: str | None, stored: str | None, accept_language: str | None, default: str | None = None
) -> str:
    """An explicit choice (?lang=) wins, then the browser's stored choice, then its header, then
    the language the business chose for its cards."""
    return (
        supported(requested)
        or supported(stored)
        or from_accept_language(accept_language)
        or supported(default)
        or DEFAULT
    )


def is_rtl(code: str) -> bool:
    return Locale.parse(code).character_order == "right-to-left"


@dataclass
class Lang:
    """One page's language: translation plus locale-aware dates, numbers and money."""

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

    def ngettext(self, singular: str, plural: str, count: int, **values: object) -> str:
        """The form the language uses for `count` (CLDR plural rules), `{count}` filled in as
        this language writes numbers."""
        text = self._translations.ngettext(singular, plural, count)
        return text.format(**{"count": self.number(count), **values})

    @property
    def tzinfo(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.timezone or "UTC")
        except (KeyError, ValueError):
            return ZoneInfo("UTC")

    def number(self, value: int | float) -> str:
        return format_decimal(value, locale=self.locale)

    def money(self, amount: float, currency: str) -> str:
        return format_currency(amount, currency, locale=self.locale)

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
        """The BCP 47 tag for `<html lang>`: pt-BR, zh-Hant."""
        return self.code.replace("_", "-")

    @property
    def rtl(self) -> bool:
        return is_rtl(self.code)

    @property
    def dir(self) -> str:
        """`dir` of the page's root: rtl for Arabic, Persian, Hebrew and Urdu."""
        return "rtl" if self.rtl else "ltr"
