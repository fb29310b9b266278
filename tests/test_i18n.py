"""Every catalogue is complete: each string the customer pages use is translated, with the
same placeholders, and compiles."""

import pytest
from babel.messages.pofile import read_po

from hub.i18n import LANGUAGES, Lang, choose, from_accept_language, po_path, translations
from hub.i18n.catalogs import extract, placeholders

MESSAGES = extract()


def load(code: str):
    with open(po_path(code), "rb") as fp:
        return read_po(fp, locale=code)


def test_the_pages_use_translatable_strings_at_all():
    assert "Your stamp card" in MESSAGES and "Stamps to go: {count}" in MESSAGES
    assert len(MESSAGES) > 50


@pytest.mark.parametrize("code", list(LANGUAGES))
def test_every_catalogue_translates_every_string_with_the_same_placeholders(code):
    catalog = load(code)
    problems = []
    for msgid in MESSAGES:
        message = catalog.get(msgid)
        if message is None:
            problems.append(f"missing: {msgid!r}")
        elif not message.string:
            problems.append(f"untranslated: {msgid!r}")
        elif message.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
        elif placeholders(message.string) != placeholders(msgid):
            problems.append(f"placeholders differ: {msgid!r} -> {message.string!r}")
    assert not problems, f"{code}: " + "; ".join(problems)


@pytest.mark.parametrize("code", list(LANGUAGES))
def test_every_catalogue_compiles_and_formats(code):
    assert translations(code)
    lang = Lang(code)
    text = lang._("Valid until {date}", date="X")
    assert "X" in text and "{" not in text


@pytest.mark.parametrize("code", [c for c in LANGUAGES if c != "en"])
def test_a_catalogue_is_a_translation_not_a_copy(code):
    catalog = load(code)
    same = [m.id for m in catalog if m.id and m.string == m.id]
    # Brand names and technical terms may stay, but not the sentences.
    assert len(same) <= 4, f"{code} leaves these in English: {same}"


def test_no_catalogue_carries_strings_the_pages_no_longer_use():
    for code in LANGUAGES:
        stale = [m.id for m in load(code) if m.id and m.id not in MESSAGES]
        assert not stale, f"{code}: {stale}"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("de-DE,de;q=0.9,en;q=0.8", "de"),
        ("pt-BR", "pt"),
        ("zh-CN,zh;q=0.9", "zh_Hans"),
        ("zh-Hans", "zh_Hans"),
        ("nl,ko;q=0.5", "ko"),
        ("en;q=0.2,ja;q=0.9", "ja"),
        ("xx,yy", None),
        ("", None),
        ("uk-UA;q=abc, tr", "tr"),
    ],
)
def test_the_language_comes_from_accept_language(header, expected):
    assert from_accept_language(header) == expected


def test_an_explicit_choice_beats_the_stored_one_which_beats_the_header():
    assert choose(requested="fr", stored="de", accept_language="ko") == "fr"
    assert choose(requested=None, stored="de", accept_language="ko") == "de"
    assert choose(requested="nonsense", stored=None, accept_language="ko") == "ko"
    assert choose(requested=None, stored=None, accept_language=None) == "en"


def test_dates_and_numbers_follow_the_locale():
    from datetime import UTC, datetime

    moment = datetime(2026, 3, 4, 15, 30, tzinfo=UTC)
    assert Lang("de", "Europe/Berlin").date_text(moment) == "04.03.2026"
    assert "16:30" in Lang("de", "Europe/Berlin").datetime_text(moment, "short")
    assert Lang("en").number(12345) == "12,345"
    assert Lang("de").number(12345) == "12.345"
    assert "2026" in Lang("ko", "Asia/Seoul").date_text(moment)
