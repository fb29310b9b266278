"""Every catalogue is complete: each string the customer pages use is translated, with the
same placeholders, and compiles. A language still being translated stays hidden."""

import pytest
from babel import Locale
from babel.messages.pofile import read_po

from hub.i18n import (
    CODES,
    REGISTRY,
    Lang,
    catalog,
    choose,
    from_accept_language,
    languages,
    po_path,
    problems,
    supported,
    template_ids,
    translations,
)
from hub.i18n.catalogs import extract
from tests.catalogues import stand_in, write_catalogue

MESSAGES = extract()
SHIPPED = [code for code in CODES if po_path(code).is_file()]


def load(code: str):
    with open(po_path(code), "rb") as fp:
        return read_po(fp, locale=code)


def test_the_pages_use_translatable_strings_at_all():
    assert "Your stamp card" in MESSAGES and "Stamps to go: {count}" in MESSAGES
    assert len(MESSAGES) > 50


def test_the_template_holds_exactly_what_the_pages_use():
    """The .pot decides which languages are complete enough to offer, so it must be current
    (`python -m hub.i18n.catalogs` rewrites it)."""
    assert sorted(template_ids()) == sorted(MESSAGES)


def test_the_registry_names_54_languages_each_in_itself():
    assert len(CODES) == len(set(CODES)) == 54
    for code, name in REGISTRY.items():
        own = Locale.parse(code).get_display_name(code)
        assert name.lower() == own.lower() and name[0] == name[0].upper(), (code, name)
    assert REGISTRY["de"] == "Deutsch" and REGISTRY["fr"] == "Français" and REGISTRY["ar"] == "العربية"
    assert REGISTRY["ja"] == "日本語" and REGISTRY["pt_BR"] == "Português (Brasil)"


@pytest.mark.parametrize("code", [c for c in CODES if c != "en"])
def test_every_language_has_a_complete_catalogue(code):
    found = catalog(code)
    assert found is not None, f"{code}: no catalogue at {po_path(code)}"
    trouble = problems(found, MESSAGES)
    assert not trouble, f"{code}: " + "; ".join(trouble)
    assert code in languages()


@pytest.mark.parametrize("code", SHIPPED)
def test_every_catalogue_compiles_and_formats(code):
    if code not in languages():
        pytest.fail(f"{code} is incomplete: {problems(catalog(code), MESSAGES)[:5]}")
    assert translations(code)
    lang = Lang(code)
    text = lang._("Valid until {date}", date="X")
    assert "X" in text and "{" not in text


@pytest.mark.parametrize("code", [c for c in SHIPPED if c != "en"])
def test_a_catalogue_is_a_translation_not_a_copy(code):
    same = [m.id for m in load(code) if m.id and m.string == m.id]
    # Brand names and technical terms may stay, but not the sentences.
    assert len(same) <= 4, f"{code} leaves these in English: {same}"


def test_no_catalogue_carries_strings_the_pages_no_longer_use():
    for code in SHIPPED:
        stale = [m.id for m in load(code) if m.id and (m.id[0] if isinstance(m.id, tuple) else m.id) not in MESSAGES]
        assert not stale, f"{code}: {stale}"


def test_a_language_is_offered_only_once_its_catalogue_is_complete(configure, tmp_path):
    write_catalogue(tmp_path, "ar", leave_out=("Stamps to go: {count}",))
    configure(LOCALES_DIR=str(tmp_path))
    assert "ar" not in languages() and supported("ar") is None
    assert Lang("ar").code == "en"

    write_catalogue(tmp_path / "done", "ar")
    configure(LOCALES_DIR=str(tmp_path / "done"))
    assert languages()["ar"] == "العربية"
    assert Lang("ar")._("Stamps to go: {count}", count=3) == stand_in("ar", "Stamps to go: 3")


def test_a_catalogue_with_other_placeholders_is_not_offered(configure, tmp_path):
    path = write_catalogue(tmp_path, "he")
    text = path.read_text(encoding="utf-8").replace(stand_in("he", "Valid until {date}"), "כרטיס {datum}")
    path.write_text(text, encoding="utf-8")
    configure(LOCALES_DIR=str(tmp_path))
    assert "he" not in languages()


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("de-DE,de;q=0.9,en;q=0.8", "de"),
        ("pt-BR", "pt_BR"),
        ("pt", "pt_BR"),
        ("zh-CN,zh;q=0.9", "zh_Hans"),
        ("zh-Hans", "zh_Hans"),
        ("gl-ES,ko;q=0.5", "ko"),
        ("en;q=0.2,ja;q=0.9", "ja"),
        ("xx,yy", None),
        ("", None),
        ("uk-UA;q=abc, tr", "tr"),
    ],
)
def test_the_language_comes_from_accept_language(offered, header, expected):
    offered("de", "pt_BR", "zh_Hans", "ko", "ja", "tr", "uk")
    assert from_accept_language(header) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("zh-TW", "zh_Hant"),
        ("zh-HK,en;q=0.5", "zh_Hant"),
        ("zh-Hant-TW", "zh_Hant"),
        ("iw-IL", "he"),
        ("no", "nb"),
        ("nb-NO", "nb"),
        ("ar-EG,en;q=0.5", "ar"),
        ("fa-IR", "fa"),
        ("ur-PK", "ur"),
    ],
)
def test_browser_tags_find_the_language_under_its_other_names(offered, header, expected):
    offered("zh_Hant", "he", "nb", "ar", "fa", "ur")
    assert from_accept_language(header) == expected


def test_an_explicit_choice_beats_the_stored_one_which_beats_the_header_then_the_business(offered):
    offered("fr", "de", "ko")
    assert choose(requested="fr", stored="de", accept_language="ko") == "fr"
    assert choose(requested=None, stored="de", accept_language="ko") == "de"
    assert choose(requested="nonsense", stored=None, accept_language="ko") == "ko"
    assert choose(requested=None, stored=None, accept_language="ko", default="de") == "ko"
    assert choose(requested=None, stored=None, accept_language="xx-YY", default="de") == "de"
    assert choose(requested=None, stored=None, accept_language=None, default="nonsense") == "en"
    assert choose(requested=None, stored=None, accept_language=None) == "en"


def test_right_to_left_languages_say_so(offered):
    offered("ar", "fa", "he", "ur", "de")
    assert [Lang(c).dir for c in ("ar", "fa", "he", "ur", "de", "en")] == ["rtl"] * 4 + ["ltr"] * 2


def test_plurals_follow_each_language_s_rules(configure, tmp_path):
    ids = ("{count} stamp", "{count} stamps")
    write_catalogue(tmp_path, "ru", plurals={ids: ("{count} штамп", "{count} штампа", "{count} штампов")})
    configure(LOCALES_DIR=str(tmp_path))
    ru, en = Lang("ru"), Lang("en")
    assert [ru.ngettext(*ids, n) for n in (1, 3, 5, 21, 1000)] == [
        "1 штамп",
        "3 штампа",
        "5 штампов",
        "21 штамп",
        "1\xa0000 штампов",
    ]
    assert [en.ngettext(*ids, n) for n in (1, 2, 1000)] == ["1 stamp", "2 stamps", "1,000 stamps"]


def test_dates_numbers_and_money_follow_the_locale(offered):
    offered("de", "ko")
    from datetime import UTC, datetime

    moment = datetime(2026, 3, 4, 15, 30, tzinfo=UTC)
    assert Lang("de", "Europe/Berlin").date_text(moment) == "04.03.2026"
    assert "16:30" in Lang("de", "Europe/Berlin").datetime_text(moment, "short")
    assert Lang("en").number(12345) == "12,345"
    assert Lang("de").number(12345) == "12.345"
    assert "2026" in Lang("ko", "Asia/Seoul").date_text(moment)
    assert Lang("de").money(4.5, "EUR") == "4,50\xa0€"
    assert Lang("en").money(4.5, "USD") == "$4.50"


def test_a_plural_needs_every_form_the_language_has(configure, tmp_path):
    ids = ("{count} stamp", "{count} stamps")
    write_catalogue(tmp_path, "ru", plurals={ids: ("{count} штамп", "{count} штампа")})
    configure(LOCALES_DIR=str(tmp_path))
    trouble = problems(catalog("ru"), [*template_ids(), ids[0]])
    assert len(trouble) == 1 and repr(ids[0]) in trouble[0]  # Russian has three forms
