"""Shared steps for delivery insert tests (no tests here)."""

from __future__ import annotations

import re

PUBLIC = "http://testserver"


def code_of(url: str) -> str:
    assert url.startswith(f"{PUBLIC}/i/")
    return url.rsplit("/", 1)[1]


def pdf_page_count(pdf: bytes) -> int:
    return int(re.search(rb"/Type /Pages\b.*?/Count (\d+)", pdf, re.S).group(1))
