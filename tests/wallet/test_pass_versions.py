from dataclasses import replace
from datetime import UTC, datetime

from hub.wallet import passes, sync
from tests.factories import new_card

NOW = datetime(2026, 11, 23, 14, 2, 7, 250_000, tzinfo=UTC)


async def test_the_version_moves_only_when_the_content_changes(wallet, shop):
    card = await new_card(shop)
    content, row = await sync.current_pass(card)
    again, changed = await passes.refresh_pass(content)
    assert not changed and again.version == row.version and again.updated_at == row.updated_at
    bumped, changed = await passes.refresh_pass(replace(content, stamps=content.stamps + 1))
    assert changed and bumped.version == row.version + 1


async def test_two_versions_in_one_second_get_distinct_last_modified_dates(wallet, shop, clock_at):
    card = await new_card(shop)
    content, _ = await sync.current_pass(card)
    clock_at(NOW, frozen=True)
    first, _ = await passes.refresh_pass(replace(content, stamps=1))
    second, _ = await passes.refresh_pass(replace(content, stamps=2))
    third, _ = await passes.refresh_pass(replace(content, stamps=3))
    seconds = [passes.whole_second(r.updated_at) for r in (first, second, third)]
    assert seconds[0] < seconds[1] < seconds[2]
    assert passes.parse_tag(passes.tag_of(third.updated_at)) == third.updated_at


def test_a_malformed_tag_means_everything():
    assert passes.parse_tag("yesterday") is None and passes.parse_tag(None) is None
