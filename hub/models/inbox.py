"""The card's inbox: every message a shop sent the card, kept 90 days; and the browsers that
asked to be notified of them (Web Push subscriptions)."""

from tortoise import fields
from tortoise.models import Model

from hub.models.fields import Timestamp


class InboxMessage(Model):
    """One message on a card's page. `delivery_id` is the campaign delivery that put it there
    (unique: a sender that runs a row twice writes one message). The attachment is a voucher
    (`voucher_id`) or a lottery draw (`draw_id`, its prize voucher once revealed), either or
    neither."""

    id = fields.BigIntField(primary_key=True)
    business_id = fields.IntField()
    card = fields.ForeignKeyField("models.Card", related_name="inbox_messages")
    campaign_id = fields.IntField(null=True)
    delivery_id = fields.BigIntField(null=True, unique=True)
    title = fields.CharField(max_length=200, default="")
    body = fields.TextField(default="")
    voucher_id = fields.IntField(null=True)
    draw_id = fields.IntField(null=True)
    read_at = fields.DatetimeField(null=True)
    created_at = Timestamp(auto_now_add=True)
    expires_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "inbox_message"
        indexes = (("card_id", "id"),)


class PushSubscription(Model):
    """A browser's Web Push subscription for one card (RFC 8030 endpoint, RFC 8291 keys)."""

    id = fields.IntField(primary_key=True)
    business_id = fields.IntField()
    card = fields.ForeignKeyField("models.Card", related_name="push_subscriptions")
    endpoint = fields.CharField(max_length=800)
    p256dh = fields.CharField(max_length=100)
    auth = fields.CharField(max_length=40)
    created_at = Timestamp(auto_now_add=True)

    class Meta:
        table = "push_subscription"
        unique_together = (("card", "endpoint"),)
