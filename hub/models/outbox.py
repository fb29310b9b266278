from tortoise import fields
from tortoise.models import Model

from hub.models.fields import Timestamp


class OutboxEvent(Model):
    """Events written in the operation's transaction, relayed to Redis after commit."""

    id = fields.BigIntField(primary_key=True)
    payload = fields.JSONField()
    created_at = Timestamp(auto_now_add=True)
    claim = fields.CharField(max_length=32, null=True)
    claimed_at = fields.DatetimeField(null=True)
    published_at = fields.DatetimeField(null=True, db_index=True)

    class Meta:
        table = "outbox_event"
