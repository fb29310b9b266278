from nicegui.testing import User

from hub.domain import webhooks
from hub.models import InsertBatch, ReceiptKey, WebhookEndpoint
from tests.integrations.test_inserts import pdf_page_count
from tests.ui.test_admin_support import eventually, sign_in


async def test_an_owner_adds_a_webhook_endpoint_and_sees_its_secret(user: User, live, redis, shop):
    await sign_in(user, shop)
    await user.open("/admin/integrations/webhooks")
    user.find(marker="webhook-url").type("https://pos.example.com/hooks")
    user.find(marker="webhook-add").click()
    await user.should_see(marker="webhook-secret", retries=50)
    endpoint = await WebhookEndpoint.get(business_id=shop.business_id)
    assert endpoint.url == "https://pos.example.com/hooks" and endpoint.events == ["card.stamped", "voucher.redeemed"]
    await user.should_see(endpoint.secret)


async def test_the_delivery_log_offers_a_replay_for_finished_deliveries(user: User, live, redis, shop):
    endpoint = await webhooks.create_endpoint(shop.business_id, "http://127.0.0.1:9/none", ["card.stamped"])
    [delivery_id] = await webhooks.record_deliveries(
        [{"type": "card.stamped", "business_id": shop.business_id, "event_id": -10}]
    )
    assert await webhooks.attempt_delivery(delivery_id, []) == "failed"  # nothing listens on port 9
    await sign_in(user, shop)
    await user.open("/admin/integrations/webhooks")
    await user.should_see(marker=f"delivery-status-{delivery_id}")
    user.find(marker=f"replay-{delivery_id}").click()
    await user.should_see("Queued for delivery.", retries=50)
    assert endpoint.id


async def test_an_owner_creates_an_insert_batch_and_downloads_its_pdf(user: User, live, redis, shop):
    await sign_in(user, shop)
    await user.open("/admin/integrations/webhooks")
    user.find(marker="batch-name").type("Flyers")
    user.find(marker="batch-create").click()
    await eventually(lambda: InsertBatch.exists(business_id=shop.business_id))
    batch = await InsertBatch.get(business_id=shop.business_id)
    assert batch.size == 100 and batch.kind == "stamp"
    await user.should_see(marker=f"batch-pdf-{batch.id}", retries=50)
    user.find(marker=f"batch-pdf-{batch.id}").click()
    pdf = await user.download.next(timeout=10)
    assert pdf.content.startswith(b"%PDF") and pdf_page_count(pdf.content) == 13


async def test_an_owner_creates_a_receipt_key_and_sees_the_secret_once(user: User, live, redis, shop):
    await sign_in(user, shop)
    await user.open("/admin/integrations/webhooks")
    user.find(marker="receipt-create").click()
    await user.should_see(marker="receipt-secret", retries=50)
    key = await ReceiptKey.get(business_id=shop.business_id)
    assert key.location_id == shop.location.id and key.template_id == shop.template.id
    await user.should_see(key.secret)
