"""The email adapter: SMTP URLs, placeholders, escaping."""

from __future__ import annotations

import pytest

from hub.delivery.email import EmailContent, SmtpConfig, build_message, render_html
from hub.domain.campaigns import render


def test_smtp_urls_name_host_port_security_and_login():
    plain = SmtpConfig.from_url("smtp://127.0.0.1:2525", "A <a@b.c>")
    assert (plain.host, plain.port, plain.security, plain.username) == ("127.0.0.1", 2525, "plain", None)
    tls = SmtpConfig.from_url("smtps://user%40x:p%3Ass@mail.example.com", "A <a@b.c>")
    assert (tls.port, tls.security, tls.username, tls.password) == (465, "tls", "user@x", "p:ss")
    start = SmtpConfig.from_url("smtp+starttls://u:p@mail.example.com", "A <a@b.c>")
    assert (start.port, start.security) == (587, "starttls")
    assert SmtpConfig.from_url("smtp://h:25?starttls=1", "x").security == "starttls"
    with pytest.raises(ValueError):
        SmtpConfig.from_url("http://mail.example.com", "x")


def test_placeholders_fill_known_names_and_leave_the_rest():
    values = {"first_name": "Mina", "stamps": "3", "_template_id": 7}
    assert render("Hi {first_name}, {stamps} stamps {unknown} {_template_id}", values) == (
        "Hi Mina, 3 stamps {unknown} {_template_id}"
    )
    assert render("{first_name.__class__}", values) == "{first_name.__class__}"


def test_customer_text_is_escaped_in_the_html_part():
    content = EmailContent(
        to="x@example.com",
        to_name="Zoë <x>",
        subject="Hi <b>",
        text="<script>alert(1)</script>\n\nBye",
        business_name="Café & Co",
        colors={"background": "#000000"},
        card_url="http://t/c/abc",
        unsubscribe_url="http://t/u/1.x",
        one_click_url="http://t/api/v1/unsubscribe/1.x",
        message_id="<m@t>",
    )
    html = render_html(content)
    assert "<script>" not in html and "&lt;script&gt;" in html and "Café &amp; Co" in html
    message = build_message(content, "Stamphub <no-reply@t>")
    assert message["Message-ID"] == "<m@t>"
    assert [p.get_content_type() for p in message.get_payload()] == ["text/plain", "text/html"]


def _mail(language: str) -> EmailContent:
    return EmailContent(
        to="ada@example.com",
        to_name="Ada",
        subject="A treat for you",
        text="Come by this week.",
        business_name="Corner Café",
        colors={},
        card_url="https://stamp.example/c/abc",
        unsubscribe_url="https://stamp.example/u/xyz",
        one_click_url="https://stamp.example/api/v1/unsubscribe/xyz",
        message_id="<1@stamp.example>",
        voucher_title="Free coffee",
        voucher_code="ABCD-EFGH",
        voucher_expires="2026-12-31",
        language=language,
    )


def test_what_we_write_around_the_owner_s_message_is_in_the_customer_s_language(configure, tmp_path):
    from hub.delivery.email import render_text
    from tests.catalogues import stand_in, write_catalogue

    write_catalogue(tmp_path, "ar")
    configure(LOCALES_DIR=str(tmp_path))
    html, text = render_html(_mail("ar")), render_text(_mail("ar"))
    assert '<html lang="ar" dir="rtl">' in html
    assert stand_in("ar", "Open my card") in html
    assert stand_in("ar", "You get this because you hold a stamp card of Corner Café.") in html
    assert '<div dir="ltr"' in html and "ABCD-EFGH" in html  # the code reads left to right
    assert stand_in("ar", "Valid until 2026-12-31") in text
    assert f"{stand_in('ar', 'Unsubscribe')}\nhttps://stamp.example/u/xyz" in text
    english = render_html(_mail("en"))
    assert '<html lang="en" dir="ltr">' in english and ">Open my card<" in english
    assert "بطاقة" not in english


def test_a_voucher_s_expiry_is_written_as_the_customer_s_language_writes_dates(offered):
    from datetime import UTC, datetime
    from types import SimpleNamespace
    from zoneinfo import ZoneInfo

    from hub.domain.campaigns.placeholders import voucher_line, voucher_values
    from tests.catalogues import stand_in

    offered("de")
    voucher = SimpleNamespace(
        title="Gratis Kaffee", redeem_code="ABCDEFGH", expires_at=datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    )
    german = voucher_values(voucher, ZoneInfo("Europe/Berlin"), "de")
    assert german["voucher_expires"] == "01.01.2027"  # a moment counts in the business's time zone
    assert voucher_line(german, "de").endswith(f"({stand_in('de', 'Valid until 01.01.2027')})")
    english = voucher_values(voucher, ZoneInfo("UTC"))
    assert english["voucher_expires"] == "Dec 31, 2026"
    assert voucher_line(english).endswith("(Valid until Dec 31, 2026)")
