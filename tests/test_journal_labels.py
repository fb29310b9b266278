"""Every journal kind reads as words: a label and a detail, never the raw event name."""

from __future__ import annotations

import ast
import re
from datetime import UTC, datetime

import pytest

from hub.domain import journal
from tests.servers import ROOT

# A typical detail for each kind, as the domain writes it.
DETAILS = {
    "issued": {"platform": "web"},
    "joined": {"platform": "apple"},
    "stamp": {"source": "insert"},
    "stamp_manual": {"note": "forgot at the till", "by": "owner:ana@cafe.example"},
    "stamp_removed": {"note": "double scan"},
    "stamp_undone": {"undoes": 12},
    "voucher_issued": {"title": "Free coffee", "source": "card_full", "note": ""},
    "voucher_redeemed": {"title": "Free coffee", "via": "code"},
    "voucher_expired": {"title": "Free coffee"},
    "deleted": {"by": "owner:ana@cafe.example"},
    "message_sent": {"channel": "push", "subject": "Happy birthday"},
    "message_failed": {"channel": "email", "subject": "Hello", "error": "bounced"},
    "wallet_added": {"platform": "google"},
    "wallet_removed": {"platform": "apple"},
    "stamp_reversed": {"pos": "toast", "check_number": "42", "check_guid": "c-1", "reverses": 7},
    "voucher_reinstated": {"title": "Free coffee", "via": "pos", "pos": "toast", "check_number": "42"},
    "transferred_out": {"pos": "toast", "vouchers": [], "to_card": 223344},
    "transferred_in": {"pos": "toast", "vouchers": [], "from_card": 113772},
    "lottery_drawn": {"won": True, "title": "Croissant", "source": "receipt", "draw_id": 1, "commitment": "ab"},
}


def row(kind: str, detail: dict) -> journal.JournalRow:
    delta = {"stamp": 1, "stamp_manual": 2, "stamp_removed": -1, "stamp_undone": -1, "stamp_reversed": -1}.get(kind, 0)
    return journal.JournalRow(
        id=1,
        created_at=datetime(2026, 3, 1, tzinfo=UTC),
        kind=kind,
        card_id=1,
        card_number=113772,
        customer_name="Mina",
        delta=delta,
        stamps_after=3,
        seat="Bar Counter",
        location="Main Street",
        detail=detail,
    )


@pytest.mark.parametrize("kind", sorted(journal.KINDS))
def test_every_kind_has_a_human_label_and_detail(kind):
    entry = row(kind, DETAILS[kind])
    assert entry.label and entry.label != kind and "_" not in entry.label
    assert entry.summary and entry.summary != "—" and "_" not in entry.summary


@pytest.mark.parametrize("kind", sorted(journal.KINDS))
def test_even_an_empty_detail_reads_as_something(kind):
    assert row(kind, {}).summary.strip()


def test_a_lottery_draw_says_what_was_won_or_that_nothing_was():
    assert row("lottery_drawn", DETAILS["lottery_drawn"]).summary == "won Croissant (receipt QR)"
    assert row("lottery_drawn", {"won": False, "source": "card_full"}).summary == "no prize this time (full card)"


def kinds_written(tree: ast.Module) -> set[str]:
    """The kinds a module passes to `journal.record` (literals, names of module constants) or
    writes as `kind=`."""
    constants = {
        node.targets[0].id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.targets[0], ast.Name)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        owner = func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else None
        kind = None
        if (owner, getattr(func, "attr", None)) == ("journal", "record") and len(node.args) >= 3:
            kind = node.args[2]
        elif (owner, getattr(func, "attr", None)) == ("CardEvent", "create"):
            kind = next((k.value for k in node.keywords if k.arg == "kind"), None)
        if isinstance(kind, ast.JoinedStr):  # f"voucher_{what}": read from its callers below
            continue
        for part in ast.walk(kind) if kind is not None else ():
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                found.add(part.value)
            elif isinstance(part, ast.Name) and part.id in constants:
                found.add(constants[part.id])
    return found


def test_every_kind_the_product_writes_has_a_label():
    """A new journal kind in the code fails here until it is given words."""
    written = set()
    for path in (ROOT / "hub").rglob("*.py"):
        text = path.read_text()
        if "CardEvent" not in text and "journal" not in text:
            continue
        written |= kinds_written(ast.parse(text)) | set(re.findall(r'"kind": "([a-z_]+)"', text))
        written |= {f"voucher_{what}" for what in re.findall(r'_journal\(\s*conn,\s*"([a-z]+)"', text)}
    campaign_kinds = {"direct", "post_purchase", "broadcast"}
    assert written - campaign_kinds - set(journal.KINDS) == set()
    # the scan really finds what the domain writes, however it names the kind
    assert {"lottery_drawn", "voucher_issued", "stamp_undone", "wallet_added", "message_sent"} <= written
