"""Integrations: webhooks and their delivery log, delivery inserts, receipt QR keys, API idempotency."""

from tortoise import fields
from tortoise.models import Model

from hub.models.fields import Timestamp


class WebhookEndpoint(Model):
    """A business's receiver URL and the event types it wants; `secret` signs every delivery."""

    id = fields.IntField(primary_key=True)
    business = fields.ForeignKeyField("models.Business", related_name="webhook_endpoints")
    url = fields.CharField(max_length=500)
    description = fields.CharField(max_length=200, default="")
    events = fields.JSONField(default=list)
    secret = fields.CharField(max_length=80)
    active = fields.BooleanField(default=True)
    created_at = Timestamp(auto_now_add=True)
    deleted_at = fields.DatetimeField(null=True)

    class Meta:
        table = "webhook_endpoint"


class WebhookDelivery(Model):
    """One event for one endpoint. `public_id` is the `Stamphub-Delivery` header receivers dedupe on.

    `dedupe_key` is `<endpoint>:<outbox event id>` for an event, so a relay that runs its
    reactions twice never creates a second delivery; a replay gets a fresh key and id.
    """

    id = fields.BigIntField(primary_key=True)
    public_id = fields.CharField(max_length=40, unique=True)
    business = fields.ForeignKeyField("models.Business", related_name="webhook_deliveries")
    endpoint = fields.ForeignKeyField("models.WebhookEndpoint", related_name="deliveries")
    dedupe_key = fields.CharField(max_length=80, unique=True)
    event_id = fields.BigIntField(null=True)
    event_type = fields.CharField(max_length=40)
    payload = fields.JSONField()
    status = fields.CharField(max_length=16, default="pending", db_index=True)
    attempts = fields.IntField(default=0)
    last_status_code = fields.IntField(null=True)
    last_response_ms = fields.IntField(null=True)
    last_error = fields.CharField(max_length=500, default="")
    next_attempt_at = fields.DatetimeField(null=True)
    sending_until = fields.DatetimeField(null=True)
    delivered_at = fields.DatetimeField(null=True)
    replay_of = fields.BigIntField(null=True)
    created_at = Timestamp(auto_now_add=True, db_index=True)

    class Meta:
        table = "webhook_delivery"


class WebhookAttempt(Model):
    """Every HTTP attempt of a delivery, kept for the admin's log."""

    id = fields.BigIntField(primary_key=True)
    delivery = fields.ForeignKeyField("models.WebhookDelivery", related_name="attempt_log")
    number = fields.IntField()
    status_code = fields.IntField(null=True)
    response_ms = fields.IntField()
    error = fields.CharField(max_length=500, default="")
    succeeded = fields.BooleanField(default=False)
    created_at = Timestamp(auto_now_add=True)

    class Meta:
        table = "webhook_attempt"


class InsertBatch(Model):
    """A print run of one-time QR codes for a stamp card: each gives a stamp or a lottery draw."""

    id = fields.IntField(primary_key=True)
    business = fields.ForeignKeyField("models.Business", related_name="insert_batches")
    template = fields.ForeignKeyField("models.CardTemplate", related_name="insert_batches")
    name = fields.CharField(max_length=120)
    kind = fields.CharField(max_length=16, default="stamp")
    pool_id = fields.IntField(null=True)
    size = fields.IntField()
    expires_at = fields.DatetimeField(null=True)
    created_at = Timestamp(auto_now_add=True)

    class Meta:
        table = "insert_batch"


class InsertCode(Model):
    id = fields.IntField(primary_key=True)
    batch = fields.ForeignKeyField("models.InsertBatch", related_name="codes")
    business_id = fields.IntField(db_index=True)
    used_at = fields.DatetimeField(null=True)
    card_id = fields.IntField(null=True)

    class Meta:
        table = "insert_code"


class ReceiptKey(Model):
    """A location's receipt secret and its stamp rule. Rotating retires the old key; revoking kills it."""

    id = fields.IntField(primary_key=True)
    business = fields.ForeignKeyField("models.Business", related_name="receipt_keys")
    location = fields.ForeignKeyField("models.Location", related_name="receipt_keys")
    template = fields.ForeignKeyField("models.CardTemplate", related_name="receipt_keys")
    secret = fields.CharField(max_length=64)
    pool_id = fields.IntField(null=True)
    min_amount = fields.IntField(default=0)
    amount_per_stamp = fields.IntField(null=True)
    max_stamps = fields.IntField(default=1)
    max_age_hours = fields.IntField(default=48)
    created_at = Timestamp(auto_now_add=True)
    retired_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "receipt_key"


class ReceiptUse(Model):
    """A receipt that already gave its stamp; unique per location so it never gives another."""

    id = fields.IntField(primary_key=True)
    business = fields.ForeignKeyField("models.Business", related_name="receipt_uses")
    location = fields.ForeignKeyField("models.Location", related_name="receipt_uses")
    key_id = fields.IntField()
    receipt_id = fields.CharField(max_length=40)
    amount = fields.IntField()
    issued_at = fields.DatetimeField()
    card_id = fields.IntField()
    stamps = fields.IntField(default=0)
    created_at = Timestamp(auto_now_add=True)

    class Meta:
        table = "receipt_use"
        unique_together = (("location", "receipt_id"),)


class ApiIdempotency(Model):
    """The stored answer to a POST, so a retried request with the same key gets the same answer."""

    id = fields.BigIntField(primary_key=True)
    business = fields.ForeignKeyField("models.Business", related_name="api_idempotency")
    key = fields.CharField(max_length=128)
    route = fields.CharField(max_length=120)
    request_hash = fields.CharField(max_length=64)
    status_code = fields.IntField()
    response = fields.JSONField()
    created_at = Timestamp(auto_now_add=True)

    class Meta:
        table = "api_idempotency"
        unique_together = (("business", "key"),)


class ToastConnection(Model):
    """A business's Toast loyalty connection: its endpoint (`public_id` in the URL), the SHA-256 of
    the static key Toast sends in `Authorization`, and the owner's accrue rule.

    `rule` is `check` (one stamp per paid check), `item` (one per qualifying item: `items`
    holds names, menu item GUIDs or PLUs) or `amount` (one per `amount_per_stamp` cents).
    """

    id = fields.IntField(primary_key=True)
    business = fields.ForeignKeyField("models.Business", related_name="toast_connections")
    location = fields.ForeignKeyField("models.Location", related_name="toast_connections", null=True)
    template = fields.ForeignKeyField("models.CardTemplate", related_name="toast_connections")
    public_id = fields.CharField(max_length=40, unique=True)
    key_prefix = fields.CharField(max_length=16)
    key_hash = fields.CharField(max_length=64)
    restaurant_guid = fields.CharField(max_length=64, default="")
    rule = fields.CharField(max_length=16, default="check")
    items = fields.JSONField(default=list)
    amount_per_stamp = fields.IntField(null=True)
    min_amount = fields.IntField(default=0)
    max_stamps = fields.IntField(default=10)
    reward_value = fields.IntField(default=0)
    created_at = Timestamp(auto_now_add=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "toast_connection"


class ToastTransaction(Model):
    """One Toast request and the exact answer given, unique per connection, Toast-Transaction-GUID
    and loyaltyIdentifier: a retry gets the stored bytes back. `status_code` 0 marks a request
    still being answered. What an accrue gave and a redeem took is kept here for its reversal."""

    id = fields.BigIntField(primary_key=True)
    connection = fields.ForeignKeyField("models.ToastConnection", related_name="transactions")
    business_id = fields.IntField()
    transaction_guid = fields.CharField(max_length=64)
    loyalty_identifier = fields.CharField(max_length=64, default="")
    transaction_type = fields.CharField(max_length=24)
    status_code = fields.IntField(default=0)
    response = fields.TextField(default="")
    check_guid = fields.CharField(max_length=64, null=True)
    card_id = fields.IntField(null=True)
    stamp_key = fields.CharField(max_length=128, null=True)
    voucher_ids = fields.JSONField(default=list)
    reversed_at = fields.DatetimeField(null=True)
    created_at = Timestamp(auto_now_add=True)

    class Meta:
        table = "toast_transaction"
        unique_together = (("connection", "transaction_guid", "loyalty_identifier"),)
