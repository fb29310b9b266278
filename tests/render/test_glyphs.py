"""Every script a customer may read on a poster, an insert sheet or a pass image is drawn with
real glyphs: the chosen Noto font has each character (cmap), and what it draws is no box."""

from __future__ import annotations

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont

from hub.render import fonts, text
from tests.render.glyph_steps import glyph_names, missing_glyphs
from tests.render.samples import SAMPLES, SCRIPTS

# A private-use character: no font of the chain has it, so every one draws its .notdef.
NO_GLYPH = "\ue000"


def ink(font: ImageFont.FreeTypeFont, line: str) -> Image.Image:
    image = Image.new("L", (40 + int(ImageDraw.Draw(Image.new("L", (1, 1))).textlength(line, font=font)) * 2, 120))
    ImageDraw.Draw(image).text((20, 20), line, font=font, fill=255)
    return image.crop(image.getbbox()) if image.getbbox() else image


@pytest.mark.parametrize("lang", sorted(SAMPLES))
def test_each_script_is_drawn_in_its_noto_font_with_no_missing_glyph(lang):
    sample = SAMPLES[lang]
    face = fonts.face_for(sample, lang=lang)
    assert face is not None and face.script == SCRIPTS[lang]
    for bold in (False, True):
        font = fonts.font(sample, 48, bold=bold, lang=lang)
        assert isinstance(font, ImageFont.FreeTypeFont)
        assert "Noto" in font.path
        names = glyph_names(font, sample)
        assert [c for c, name in names.items() if name == ".notdef"] == []
        assert NO_GLYPH not in "".join(names)


@pytest.mark.parametrize("lang", sorted(SAMPLES))
def test_no_letter_of_a_sample_is_drawn_as_the_missing_glyph_box(lang):
    sample = SAMPLES[lang]
    font = fonts.font(sample, 48, lang=lang)
    box = ink(font, NO_GLYPH)
    assert box.getbbox() is not None  # the font's .notdef draws something to compare against
    letters = [c for c in sample if not c.isspace() and not text.is_mark(c)]
    for letter in letters:
        drawn = ink(font, letter)
        same = drawn.size == box.size and ImageChops.difference(drawn, box).getbbox() is None
        assert not same, f"{letter!r} ({lang}) is drawn as a box"
    # The whole line too: as wide as its letters, not a row of boxes.
    assert ink(font, sample).tobytes() != ink(font, NO_GLYPH * len(letters)).tobytes()


def test_the_old_fonts_would_have_drawn_boxes():
    """The check above can fail: DejaVu Sans has no Japanese, and draws its box for it."""
    dejavu = fonts.path("DejaVuSans.ttf")
    if dejavu is None:
        pytest.skip("DejaVu Sans is not installed")
    font = ImageFont.truetype(str(dejavu), 48)
    assert ".notdef" in glyph_names(font, SAMPLES["ja"]).values()
    assert ink(font, SAMPLES["ja"][0]).tobytes() == ink(font, NO_GLYPH).tobytes()


@pytest.mark.skipif(not fonts.shaping(), reason="Pillow was built without Raqm")
@pytest.mark.parametrize("lang", ["ar", "hi", "bn", "ta"])
def test_joined_and_reordered_scripts_are_shaped(lang):
    """Arabic letters join, Indic vowel signs move and combine: shaped text differs from the
    letters drawn one by one in their isolated forms."""
    sample = SAMPLES[lang]
    path, index = fonts.font(sample, 48, lang=lang).path, fonts.font(sample, 48, lang=lang).index
    shaped = ImageFont.truetype(path, 48, index=index, layout_engine=ImageFont.Layout.RAQM)
    plain = ImageFont.truetype(path, 48, index=index, layout_engine=ImageFont.Layout.BASIC)
    assert ink(shaped, sample).tobytes() != ink(plain, sample).tobytes()


def test_a_mixed_line_takes_the_font_that_has_all_of_it():
    assert fonts.face_for("Café 東京 No. 12").script in ("zh_Hans", "ja")
    assert fonts.face_for("Café Olé").script == "latin"
    assert fonts.face_for("カフェ 東京").script == "ja"  # kana: Japanese forms for the kanji too
    assert fonts.face_for("東京", lang="zh_Hant").script == "zh_Hant"


@pytest.mark.parametrize("line", ["ร้าน Coffee ดี", "कैफ़े Coffee House", "Café ত্রিপুরা", "தமிழ் Tea 東京"])
def test_a_line_no_one_font_has_is_drawn_in_pieces_with_every_glyph(line):
    kind = text.Type(40)
    assert len(kind.runs(line)) > 1
    assert "".join(piece for piece, _ in kind.runs(line)) == line
    assert missing_glyphs(line, kind) == []
    image = Image.new("L", (900, 120))
    draw = ImageDraw.Draw(image)
    text.draw_line(draw, (10, 10), line, kind, fill=255)
    assert image.getbbox()[2] == pytest.approx(10 + text.length(draw, line, kind), abs=12)
    # One font for the whole line would have drawn boxes; its pieces draw letters.
    whole = fonts.font(line, 40)
    box = ink(whole, NO_GLYPH).tobytes()
    others = [(piece.strip()[0], font) for piece, font in kind.runs(line) if font is not whole]
    assert others
    for letter, font in others:
        assert ink(whole, letter).tobytes() == box
        assert ink(font, letter).tobytes() != box


def test_a_line_without_spaces_wraps_inside_the_width():
    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    for lang in ("ja", "th", "zh_Hans"):
        kind = text.Type(24, lang=lang)
        lines = text.wrap(draw, SAMPLES[lang], kind, 120)
        assert len(lines) > 1 and "".join(lines) == SAMPLES[lang].replace(" ", "")
        assert all(text.length(draw, line, kind) <= 120 for line in lines)
