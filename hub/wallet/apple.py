"""Apple Wallet storeCard passes: pass.json, images, manifest and the PKCS#7 signature.

Signing uses `cryptography` alone: a detached, DER-encoded PKCS#7 signature over
manifest.json, SHA-256, signed by the pass type certificate and carrying the WWDR
intermediate so Wallet can build the chain to Apple's root.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import io
import json
import zipfile
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs7

from hub.i18n import Lang
from hub.render import colours
from hub.render import pass_images as images
from hub.wallet import labels
from hub.wallet.config import AppleConfig
from hub.wallet.content import PassContent

CONTENT_TYPE = "application/vnd.apple.pkpass"
# The share of the strip that the primary field (the card's subtitle) is drawn over.
PRIMARY_BAND = 0.45
# Fixed entry timestamps: the archive does not depend on the server's clock or timezone.
_ZIP_TIME = (2026, 1, 1, 0, 0, 0)


def authentication_token(secret: bytes, card_id: int) -> str:
    """The per-card token devices send as `Authorization: ApplePass <token>`.

    Derived rather than stored: it cannot leak from a database dump, and rotating
    SECRET_KEY rotates every token (passes then re-register on their next download).
    """
    return hmac.new(secret, f"passkit-auth:{card_id}".encode(), hashlib.sha256).hexdigest()[:40]


def check_token(secret: bytes, card_id: int, presented: str) -> bool:
    return hmac.compare_digest(authentication_token(secret, card_id), presented or "")


def pass_json(content: PassContent, conf: AppleConfig, *, secret: bytes, public_url: str) -> dict[str, Any]:
    design = content.design
    lang = Lang(content.language)
    _ = lang._
    organization = content.business_name + (" (development)" if conf.development else "")
    stamps_value = f"{content.stamps} / {content.stamps_required}"
    data: dict[str, Any] = {
        "formatVersion": 1,
        "passTypeIdentifier": conf.pass_type_id,
        "serialNumber": str(content.number),
        "teamIdentifier": conf.team_id,
        "organizationName": organization,
        "description": f"{content.business_name} — {content.title}",
        "logoText": content.title,
        "foregroundColor": colours.rgb_css(colours.rgb(design, "foreground")),
        "labelColor": colours.rgb_css(colours.rgb(design, "accent")),
        "backgroundColor": colours.rgb_css(colours.rgb(design, "background")),
        "webServiceURL": f"{public_url}/passkit",
        "authenticationToken": authentication_token(secret, content.card_id),
        "sharingProhibited": True,
        "barcodes": [
            {
                "format": "PKBarcodeFormatQR",
                "message": content.code,
                "messageEncoding": "iso-8859-1",
                "altText": f"#{content.number}",
            }
        ],
        "storeCard": {
            "headerFields": [
                {
                    "key": "stamps",
                    "label": _(labels.STAMPS),
                    "value": stamps_value,
                    "changeMessage": _(labels.STAMPS_CHANGED, count="%@"),
                    "textAlignment": "PKTextAlignmentRight",
                }
            ],
            "primaryFields": [],
            "secondaryFields": [
                {"key": "member", "label": _(labels.MEMBER), "value": content.customer_name},
                {
                    "key": "rewards",
                    "label": _(labels.REWARDS_READY),
                    "value": content.active_vouchers,
                    "changeMessage": _(labels.REWARDS_CHANGED, count="%@"),
                    "textAlignment": "PKTextAlignmentRight",
                },
            ],
            "auxiliaryFields": [
                {"key": "reward", "label": _(labels.REWARD), "value": content.reward_title},
                {
                    "key": "number",
                    "label": _(labels.CARD),
                    "value": f"#{content.number}",
                    "textAlignment": "PKTextAlignmentRight",
                },
            ],
            "backFields": [
                {
                    "key": "page",
                    "label": _(labels.ONLINE),
                    "value": content.page_url,
                    "attributedValue": f'<a href="{content.page_url}">{_(labels.OPEN)}</a>',
                },
                {
                    "key": "how",
                    "label": _(labels.HOW),
                    "value": labels.how_it_works(lang, content.stamps_required, content.reward_title),
                },
                {"key": "issuer", "label": _(labels.ISSUED_BY), "value": organization},
                # Always present, so a new notice is a value change and Wallet announces it.
                {"key": "notice", "label": _(labels.NEWS), "value": content.notice or "—", "changeMessage": "%@"},
            ],
        },
    }
    if content.subtitle:
        data["storeCard"]["primaryFields"].append({"key": "offer", "label": "", "value": content.subtitle})
    if content.deleted:
        data["voided"] = True
    return data


def pass_files(content: PassContent, conf: AppleConfig, *, secret: bytes, public_url: str) -> dict[str, bytes]:
    design = content.design
    files = {
        "pass.json": json.dumps(
            pass_json(content, conf, secret=secret, public_url=public_url), ensure_ascii=False, sort_keys=True
        ).encode()
    }
    for scale in images.SCALES:
        suffix = "" if scale == 1 else f"@{scale}x"
        files[f"icon{suffix}.png"] = images.icon(design, scale)
        files[f"logo{suffix}.png"] = images.logo(design, scale)
        files[f"strip{suffix}.png"] = images.strip(
            design, content.stamps, content.stamps_required, scale, text_band=PRIMARY_BAND if content.subtitle else 0.0
        )
    return files


def manifest(files: dict[str, bytes]) -> bytes:
    return json.dumps(
        {name: hashlib.sha1(data).hexdigest() for name, data in sorted(files.items())}, sort_keys=True
    ).encode()


@functools.lru_cache(maxsize=4)
def _signing_material(cert_path: Path, key_path: Path, password: bytes | None, wwdr_path: Path):
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=password)
    wwdr_data = wwdr_path.read_bytes()
    # Apple distributes the WWDR intermediate as DER (.cer); accept both encodings.
    wwdr = (
        x509.load_pem_x509_certificate(wwdr_data)
        if b"-----BEGIN" in wwdr_data
        else x509.load_der_x509_certificate(wwdr_data)
    )
    return cert, key, wwdr


def sign(manifest_bytes: bytes, conf: AppleConfig) -> bytes:
    cert, key, wwdr = _signing_material(conf.cert_path, conf.key_path, conf.key_password, conf.wwdr_path)
    return (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(manifest_bytes)
        .add_signer(cert, key, hashes.SHA256())
        .add_certificate(wwdr)
        .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary])
    )


def build_pkpass(content: PassContent, conf: AppleConfig, *, secret: bytes, public_url: str) -> bytes:
    """The signed .pkpass archive for one card."""
    files = pass_files(content, conf, secret=secret, public_url=public_url)
    files["manifest.json"] = manifest(files)
    files["signature"] = sign(files["manifest.json"], conf)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return out.getvalue()
