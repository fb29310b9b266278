"""A new template version reaches every wallet from the `card.updated` events alone."""

import uuid

from hub.domain.cards import updated_event
from hub.domain.templates import snapshot
from hub.models import Card, CardTemplate, CardTemplateVersion, WalletDelivery
from hub.realtime import outbox
from hub.wallet import google, passes
from hub.wallet.apple import authentication_token
from hub.wallet.config import wallet_config
from hub.wallet.receipts import regeneration_progress
from hub.workers.queue import job_queue
from tests.conftest import REDIS_URL, eventually
from tests.factories import make_shop, new_card
from tests.wallet.conftest import ISSUER_ID, PASS_TYPE_ID, jobs_for, pass_json
from tests.workers import run_burst_worker


async def publish_and_apply(template_id: int, **design: str) -> int:
    """What publishing + the regeneration job do: a new frozen version, every card moved to
    it, one `card.updated` per card in the same transaction."""
    async with outbox.transaction() as conn:
        template = await CardTemplate.get(id=template_id).using_db(conn)
        template.design = {**template.design, **design}
        template.version += 1
        await template.save(using_db=conn)
        await CardTemplateVersion.create(
            template_id=template.id, version=template.version, snapshot=snapshot(template), using_db=conn
        )
        cards = await Card.filter(template_id=template.id, deleted_at=None).using_db(conn)
        for card in cards:
            card.template_version = template.version
            await card.save(update_fields=["template_version"], using_db=conn)
            await outbox.record(conn, updated_event(card, template))
    return template.version


async def test_a_new_version_reaches_apple_and_google_once_per_card(api, live, wallet, secret):
    shop = await make_shop(name="Regenerate Café")
    apple_card, google_card = shop.card, await new_card(shop)
    token = uuid.uuid4().hex * 2
    await passes.register_device(apple_card.id, uuid.uuid4().hex, token)
    assert (await api.get(f"/wallet/google/{google_card.token}", follow_redirects=False)).status_code == 303
    queue = job_queue(REDIS_URL)
    await eventually(lambda: jobs_for(queue, apple_card.id))
    await run_burst_worker()  # the registration's own card.updated
    pushes_before = len(wallet.apns.received(token))

    assert (await regeneration_progress(shop.template.id, 2))["done"] == 0
    version = await publish_and_apply(shop.template.id, background="#114477", title="Tea card")
    await eventually(lambda: jobs_for(queue, apple_card.id) and jobs_for(queue, google_card.id))
    await run_burst_worker()

    assert len(wallet.apns.received(token)) == pushes_before + 1
    assert await regeneration_progress(shop.template.id, version) == {"done": 2, "total": 2}
    fetched = await api.get(
        f"/passkit/v1/passes/{PASS_TYPE_ID}/{apple_card.number}",
        headers={"Authorization": f"ApplePass {authentication_token(secret, apple_card.id)}"},
    )
    data = pass_json(fetched.content)
    assert data["backgroundColor"] == "rgb(17, 68, 119)" and data["logoText"] == "Tea card"

    class_id = f"{ISSUER_ID}.stamphub-t{shop.template.id}-v{version}"
    assert wallet.google.classes[class_id]["hexBackgroundColor"] == "#114477"
    object_id = google.object_id(wallet_config().google, google_card.id, google_card.number)
    assert wallet.google.patches(object_id)[-1]["classId"] == class_id

    # The same events delivered again (a replayed batch) change nothing and push nothing.
    async with outbox.transaction() as conn:
        template = await CardTemplate.get(id=shop.template.id).using_db(conn)
        for card in await Card.filter(template_id=template.id).using_db(conn):
            await outbox.record(conn, updated_event(card, template))
    await eventually(lambda: jobs_for(queue, apple_card.id) and jobs_for(queue, google_card.id))
    await run_burst_worker()
    assert len(wallet.apns.received(token)) == pushes_before + 1
    assert len([p for p in wallet.google.patches(object_id) if p["classId"] == class_id]) == 1
    assert await WalletDelivery.filter(card_id=apple_card.id, pass_version=2).count() == 1
