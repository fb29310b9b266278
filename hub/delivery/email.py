"""Email over SMTP (stdlib smtplib, one connection reused for a whole batch).

Configured by `SMTP_URL` — `smtp://host:port` (plain, as a local relay speaks),
`smtp+starttls://user:pass@host:587` or `smtps://user:pass@host:465` — and `SMTP_FROM`
(`Name <address>`). Messages carry a text and an HTML part in the business's colours, a
deterministic Message-ID per delivery (so a resend after a crash is recognisable as the same
message by mailbox providers) and RFC 8058 one-click unsubscribe headers.
"""

from __future__ import annotations

import html
import smtplib
import ssl
from dataclasses import dataclass
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, parseaddr
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from hub.config import settings
from hub.delivery.results import SendResult
from hub.i18n import N_, Lang
from hub.render import colours

DEFAULT_TIMEOUT = 20.0


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    security: str  # plain | starttls | tls
    username: str | None
    password: str | None
    sender: str
    timeout: float = DEFAULT_TIMEOUT

    @classmethod
    def from_url(cls, url: str, sender: str, *, timeout: float = DEFAULT_TIMEOUT) -> SmtpConfig:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        query = parse_qs(parts.query)
        if scheme == "smtps":
            security, port = "tls", 465
        elif scheme in ("smtp+starttls", "submission") or query.get("starttls", ["0"])[0] in ("1", "true", "yes"):
            security, port = "starttls", 587
        elif scheme == "smtp":
            security, port = "plain", 25
        else:
            raise ValueError(f"SMTP_URL must start with smtp://, smtp+starttls:// or smtps://, not {scheme}://")
        if not parts.hostname:
            raise ValueError("SMTP_URL has no host")
        return cls(
            host=parts.hostname,
            port=parts.port or port,
            security=security,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            sender=sender,
            timeout=timeout,
        )

    @classmethod
    def configured(cls) -> SmtpConfig | None:
        """None when no SMTP server is configured: the email channel is then unavailable."""
        conf = settings().smtp
        if not conf.url:
            return None
        return cls.from_url(conf.url, conf.sender, timeout=conf.timeout)


@dataclass(frozen=True)
class EmailContent:
    """Everything one message shows; built per recipient by hub.domain.campaigns."""

    to: str
    to_name: str
    subject: str
    text: str
    business_name: str
    colors: dict[str, str]
    card_url: str
    unsubscribe_url: str
    one_click_url: str
    message_id: str
    voucher_title: str | None = None
    voucher_code: str | None = None
    voucher_expires: str | None = None
    # The customer's language (hub.i18n): the owner writes the message, we write around it.
    language: str = "en"


# NOTE: At the foot of a campaign e-mail, before the unsubscribe link; {business} is the shop's name.
WHY = N_("You get this because you hold a stamp card of {business}.")
# NOTE: A link (and, in plain-text e-mails, a label before the address) that stops the shop's e-mails.
UNSUBSCRIBE = N_("Unsubscribe")


def _paragraphs(text: str) -> str:
    blocks = [b.strip() for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    return "".join(
        f'<p style="margin:0 0 14px 0;line-height:1.5">{html.escape(b).replace(chr(10), "<br>")}</p>' for b in blocks
    )


def render_html(content: EmailContent) -> str:
    lang = Lang(content.language)
    _ = lang._
    c = content.colors
    bg, fg, accent = colours.css(c, "background"), colours.css(c, "foreground"), colours.css(c, "accent")
    esc = html.escape
    voucher = ""
    if content.voucher_title:
        expires = (
            f'<div style="font-size:13px;opacity:.8">{esc(_("Valid until {date}", date=content.voucher_expires))}</div>'
            if content.voucher_expires
            else ""
        )
        voucher = (
            f'<div style="border:2px dashed {esc(accent)};border-radius:12px;padding:16px;margin:18px 0;'
            f'text-align:center"><div style="font-size:18px;font-weight:bold">{esc(content.voucher_title)}</div>'
            + (
                f'<div dir="ltr" style="font-family:monospace;font-size:22px;letter-spacing:2px;margin-top:6px">'
                f"{esc(content.voucher_code)}</div>"
                if content.voucher_code
                else ""
            )
            + f"{expires}</div>"
        )
    return (
        f'<!doctype html><html lang="{esc(lang.html_lang)}" dir="{lang.dir}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width"><title>{esc(content.subject)}</title></head>'
        f'<body style="margin:0;background:#f4f1ec;font-family:Helvetica,Arial,sans-serif">'
        f'<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center" '
        f'style="padding:24px 12px"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" '
        f'style="max-width:560px;background:{esc(bg)};color:{esc(fg)};border-radius:16px">'
        f'<tr><td style="padding:24px 28px 8px 28px;font-size:14px;letter-spacing:1px;text-transform:uppercase;'
        f'color:{esc(accent)}">{esc(content.business_name)}</td></tr>'
        f'<tr><td style="padding:8px 28px;font-size:22px;font-weight:bold">{esc(content.subject)}</td></tr>'
        f'<tr><td style="padding:8px 28px;font-size:16px">{_paragraphs(content.text)}{voucher}</td></tr>'
        f'<tr><td style="padding:8px 28px 28px 28px"><a href="{esc(content.card_url)}" style="display:inline-block;'
        f"background:{esc(accent)};color:{esc(bg)};padding:12px 22px;border-radius:24px;text-decoration:none;"
        f'font-weight:bold">{esc(_("Open my card"))}</a></td></tr></table>'
        f'<p style="font-size:12px;color:#777;max-width:560px">{esc(_(WHY, business=content.business_name))} '
        f'<a href="{esc(content.unsubscribe_url)}" style="color:#777">{esc(_(UNSUBSCRIBE))}</a>'
        f"</p></td></tr></table></body></html>"
    )


def render_text(content: EmailContent) -> str:
    _ = Lang(content.language)._
    lines = [content.text.strip(), ""]
    # Each label on a line of its own and its value under it: no colon to place per language.
    if content.voucher_title:
        if content.voucher_code:
            lines += [content.voucher_title, _("Redeem code"), content.voucher_code]
        else:  # a spin waiting on the card: the card link below plays it
            lines.append(content.voucher_title)
        if content.voucher_expires:
            lines.append(_("Valid until {date}", date=content.voucher_expires))
        lines.append("")
    lines += [
        _("Your stamp card"),
        content.card_url,
        "",
        "--",
        f"{content.business_name}",
        _(WHY, business=content.business_name),
        _(UNSUBSCRIBE),
        content.unsubscribe_url,
    ]
    return "\n".join(lines) + "\n"


def build_message(content: EmailContent, sender: str) -> Message:
    """multipart/alternative: text first, HTML last (the part clients prefer)."""
    # The legacy MIME classes: an order of magnitude faster to build than EmailMessage's
    # policy machinery, which matters at tens of thousands of messages per campaign.
    message = MIMEMultipart("alternative")
    name, address = parseaddr(sender)
    # The business speaks; the platform's address sends (so SPF/DKIM stay the platform's).
    message["From"] = formataddr((content.business_name or name, address), "utf-8")
    message["To"] = formataddr((content.to_name, content.to), "utf-8")
    message["Subject"] = Header(content.subject, "utf-8")
    message["Message-ID"] = content.message_id
    message["Date"] = formatdate(localtime=False)
    message["List-Unsubscribe"] = f"<{content.one_click_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    message.attach(MIMEText(render_text(content), "plain", "utf-8"))
    message.attach(MIMEText(render_html(content), "html", "utf-8"))
    return message


class SmtpSender:
    """One SMTP session reused across messages; reopened after any connection trouble.

    Blocking: call it from a worker thread (`asyncio.to_thread`), never from a web request.
    """

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        conf = self.config
        if conf.security == "tls":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                conf.host, conf.port, timeout=conf.timeout, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(conf.host, conf.port, timeout=conf.timeout)
            if conf.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
        if conf.username:
            smtp.login(conf.username, conf.password or "")
        return smtp

    def send(self, message: Message, recipient: str) -> SendResult:
        """Hand one message to the server. A refusal during the session (e.g. 550 on RCPT)
        comes back as a permanent bounce with the server's code and words."""
        sender = parseaddr(self.config.sender)[1]
        for attempt in (1, 2):
            try:
                if self._smtp is None:
                    self._smtp = self._connect()
                self._smtp.send_message(message, from_addr=sender, to_addrs=[recipient])
                return SendResult.accepted()
            except smtplib.SMTPNotSupportedError as exc:  # e.g. an international address without SMTPUTF8
                self._reset()
                return SendResult.bounced(f"not deliverable by this server: {exc}")
            except smtplib.SMTPRecipientsRefused as exc:
                code, words = next(iter(exc.recipients.values()))
                return _refusal(code, words)
            except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
                self._reset()
                return _refusal(exc.smtp_code, exc.smtp_error)
            except smtplib.SMTPResponseException as exc:
                self.close()
                return _refusal(exc.smtp_code, exc.smtp_error)
            except (smtplib.SMTPServerDisconnected, ConnectionError) as exc:
                # A reused session may have been dropped by the server while idle: reconnect once.
                self.close()
                if attempt == 2:
                    return SendResult.transient(f"SMTP connection lost: {exc}")
            except (TimeoutError, smtplib.SMTPException, OSError) as exc:
                self.close()
                return SendResult.transient(f"SMTP unavailable: {exc}")
        return SendResult.transient("SMTP connection lost")

    def _reset(self) -> None:
        try:
            if self._smtp is not None:
                self._smtp.rset()
        except (smtplib.SMTPException, OSError):
            self.close()

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                try:
                    smtp.close()
                except OSError:
                    pass


def _refusal(code: int, words: Any) -> SendResult:
    text = words.decode(errors="replace") if isinstance(words, bytes) else str(words)
    detail = f"{code} {text}".strip()
    if 500 <= code < 600:
        return SendResult.bounced(detail, code)
    return SendResult.transient(detail, code)
