"""Posters, insert sheets and pass images print every script with real glyphs and a QR that reads."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image, ImageChops, ImageDraw

from hub.domain import inserts
from hub.i18n import Lang
from hub.render import colours, fonts, text
from hub.render import pass_images as images
from hub.ui.card_page import poster
from tests.render.glyph_steps import glyph_names, missing_glyphs
from tests.render.samples import SAMPLES

URL = "https://cards.example.com/join/7"
PALETTE = tuple(colours.DEFAULTS[key] for key in colours.KEYS)


def band(image: Image.Image, top: int, bottom: int) -> Image.Image:
    return image.crop((0, top, image.width, bottom))


@pytest.mark.parametrize("lang", ["ja", "ko", "zh_Hans", "uk"])
def test_a_poster_prints_its_language_in_real_letters(lang):
    language = Lang(lang)
    drawn = poster.render_png("Café Nord", "Coffee card", URL, language, PALETTE)
    english = poster.render_png("Café Nord", "Coffee card", URL, Lang("en"), PALETTE)
    [code] = zxingcpp.read_barcodes(drawn)
    assert code.text == URL
    # The headline under the QR is the translation, not the English it used to fall back to…
    headline, footer = poster._texts(language)
    assert headline != poster._texts(Lang("en"))[0]
    assert ImageChops.difference(band(drawn, 1300, 1500), band(english, 1300, 1500)).getbbox() is not None
    # …in a font that has every one of its letters.
    draw = ImageDraw.Draw(drawn)
    for line, size, bold in ((headline, 64, True), (footer, 40, False)):
        assert missing_glyphs(line, poster._fit(draw, line, size, bold, language)) == [], line


@pytest.mark.parametrize("lang", sorted(SAMPLES))
def test_a_shop_named_in_any_script_gets_insert_sheets_in_its_letters(lang):
    name = SAMPLES[lang][:18]
    url = "https://cards.example.com/i/I.42.ABCDEFGHIJKLMNOP"
    [page] = inserts.render_sheets([url], business_name=name, card_name=name, kind="stamp", design={})
    unnamed = inserts.render_sheets([url], business_name="", card_name="", kind="stamp", design={})[0]
    [code] = zxingcpp.read_barcodes(page)
    assert code.text == url
    assert ImageChops.difference(page, unnamed).getbbox() is not None  # the name is on the card
    for kind in (text.Type(22, bold=True), text.Type(21)):  # the sheet's name and card lines
        assert missing_glyphs(name, kind) == []


@pytest.mark.parametrize("lang", sorted(SAMPLES))
def test_a_pass_icon_letters_a_title_in_any_script(lang):
    design = {"title": SAMPLES[lang]}
    icon = Image.open(io.BytesIO(images.icon(design, 3))).convert("RGB")
    blank = Image.open(io.BytesIO(images.icon({**design, "title": " "}, 3))).convert("RGB")
    assert icon.size == (87, 87)
    assert ImageChops.difference(icon, blank).getbbox() is not None
    letter = text.first_letter(SAMPLES[lang]).upper()
    assert ".notdef" not in glyph_names(fonts.font(letter, 52, bold=True), letter).values()
