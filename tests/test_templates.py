import pytest

from hub.domain import templates
from hub.domain.cards import delete_card
from hub.errors import InvalidInput, NotFound
from hub.models import Card, CardTemplate, CardTemplateDraft, CardTemplateVersion
from tests.events import CapturedEvents
from tests.factories import new_card


def edited(template, **changes):
    values = templates.snapshot(template)
    design = {**values["design"], **changes.pop("design", {})}
    return {**values, **changes, "design": design}


async def test_a_saved_draft_leaves_the_live_template_alone(shop):
    await templates.save_draft(shop.business_id, shop.template.id, edited(shop.template, design={"title": "Tea card"}))
    live = await CardTemplate.get(id=shop.template.id)
    assert live.design["title"] == "Coffee card" and live.version == 1
    draft = await templates.load_draft(shop.business_id, shop.template.id)
    assert draft["design"]["title"] == "Tea card"


async def test_publishing_makes_the_next_version_and_clears_the_draft(shop):
    await templates.save_draft(shop.business_id, shop.template.id, edited(shop.template, reward_title="Free cake"))
    async with CapturedEvents() as captured:
        template = await templates.publish(shop.business_id, shop.template.id)
    assert (template.version, template.reward_title) == (2, "Free cake")
    snapshot = (await CardTemplateVersion.get(template_id=template.id, version=2)).snapshot
    assert snapshot["reward_title"] == "Free cake"
    assert not await CardTemplateDraft.exists(template_id=template.id)
    [event] = captured.of_type("template.published")
    assert event == {
        "type": "template.published",
        "business_id": shop.business_id,
        "template_id": template.id,
        "version": 2,
        "mechanics_changed": True,
    }


async def test_versions_count_up(shop):
    for expected in (2, 3, 4):
        template = await templates.publish(shop.business_id, shop.template.id)
        assert template.version == expected
    assert [v.version for v in await templates.versions(shop.business_id, shop.template.id)] == [4, 3, 2, 1]


async def test_mechanics_changes_are_named(shop):
    assert templates.mechanics_changed(shop.template, edited(shop.template, design={"title": "New"})) == []
    assert templates.mechanics_changed(shop.template, edited(shop.template, stamps_required=10)) == ["stamps_required"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"design": {"background": "red; background:url(x)"}}, "background"),
        ({"design": {"logo": "https://tracker.example/pixel.png"}}, "logo"),
        ({"stamps_required": 0}, "stamps_required"),
        ({"reward_type": "cash"}, "reward_type"),
        ({"reward_title": " "}, "reward_title"),
        ({"name": ""}, "name"),
    ],
)
async def test_invalid_designs_are_refused_naming_the_field(shop, change, field):
    with pytest.raises(InvalidInput) as error:
        await templates.save_draft(shop.business_id, shop.template.id, edited(shop.template, **change))
    assert error.value.detail["field"] == field


async def test_lottery_is_a_reward_type(shop):
    values = await templates.save_draft(
        shop.business_id, shop.template.id, edited(shop.template, reward_type="lottery")
    )
    assert values["reward_type"] == "lottery"


async def test_another_business_cannot_edit_or_publish(shop, other_shop):
    with pytest.raises(NotFound):
        await templates.save_draft(other_shop.business_id, shop.template.id, edited(shop.template))
    with pytest.raises(NotFound):
        await templates.publish(other_shop.business_id, shop.template.id)
    with pytest.raises(NotFound):
        await templates.apply_version(other_shop.business_id, shop.template.id, 1)


async def test_apply_version_moves_every_live_card_and_emits_card_updated_for_each(shop):
    cards = [shop.card] + [await new_card(shop, f"Guest {i}") for i in range(4)]
    await delete_card(shop.business_id, cards[-1].id)
    template = await templates.publish(
        shop.business_id, shop.template.id, edited(shop.template, design={"title": "v2"})
    )
    ticks = []
    async with CapturedEvents() as captured:
        moved = await templates.apply_version(
            shop.business_id, template.id, template.version, batch=2, progress=lambda d, t: ticks.append((d, t))
        )
    assert moved == 4
    assert (
        sorted(await Card.filter(template_id=template.id, deleted_at=None).values_list("template_version", flat=True))
        == [2] * 4
    )
    assert (await Card.get(id=cards[-1].id)).template_version == 1  # deleted cards stay as they were
    updated = captured.of_type("card.updated")
    assert sorted(e["card_id"] for e in updated) == sorted(c.id for c in cards[:4])
    assert all(e["template_version"] == 2 and e["deleted"] is False for e in updated)
    progress = captured.of_type("template.regeneration")
    assert [(e["done"], e["total"], e["finished"]) for e in progress] == [(2, 4, False), (4, 4, False), (4, 4, True)]
    assert ticks == [(2, 4), (4, 4), (4, 4)]


async def test_apply_version_is_idempotent(shop):
    template = await templates.publish(shop.business_id, shop.template.id)
    assert await templates.apply_version(shop.business_id, template.id, 2) == 1
    async with CapturedEvents() as captured:
        assert await templates.apply_version(shop.business_id, template.id, 2) == 0
    assert captured.of_type("card.updated") == []
    assert [e["finished"] for e in captured.of_type("template.regeneration")] == [True]


async def test_a_version_cannot_be_applied_before_it_is_published(shop):
    with pytest.raises(InvalidInput):
        await templates.apply_version(shop.business_id, shop.template.id, 2)


async def test_new_cards_get_the_published_version(shop):
    await templates.publish(shop.business_id, shop.template.id)
    assert (await new_card(shop)).template_version == 2


async def test_template_events_match_their_declared_schemas(shop):
    import typing

    from hub.realtime import events

    declared = {"template.published": events.TemplatePublished, "template.regeneration": events.TemplateRegeneration}
    async with CapturedEvents() as captured:
        template = await templates.publish(shop.business_id, shop.template.id)
        await templates.apply_version(shop.business_id, template.id, template.version)
    emitted = [e for e in captured.events if e["type"] in declared]
    assert {e["type"] for e in emitted} == set(declared)
    assert set(events.EVENT_TYPES) >= set(declared)
    for event in emitted:
        schema = declared[event["type"]]
        assert schema.__required_keys__ <= set(event) <= set(typing.get_type_hints(schema)), event
