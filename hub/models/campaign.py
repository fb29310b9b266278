"""Campaigns and automations: what was sent to whom over which channel, exactly once."""

from tortoise import fields
from tortoise.models import Model

from hub.models.fields import Timestamp


class Campaign(Model):
    """A message to an audience over channels. Automations (birthday, win-back, post-purchase)
    are long-lived campaigns of their kind whose deliveries accumulate, one occasion at a time.

    `kind`: broadcast | direct (SEND MESSAGE to one card) | birthday | winback | post_purchase.
    `status`: draft | scheduled | queued | sending | done | cancelled, and active | paused for
    automations. `segment` is the audience spec (hub.domain.segments), `attachment` the
    optional reward: {"type": "voucher", "title", "valid_days"} or {"type": "lottery", "pool_id"}.
    """

    id = fields.IntField(primary_key=True)
    business = fields.ForeignKeyField("models.Business", related_name="campaigns")
    kind = fields.CharField(max_length=16, default="broadcast")
    name = fields.CharField(max_length=120)
    subject = fields.CharField(max_length=200, default="")
    body = fields.TextField(default="")
    channels = fields.JSONField(default=list)
    segment = fields.JSONField(default=dict)
    attachment = fields.JSONField(default=dict)
    settings = fields.JSONField(default=dict)
    status = fields.CharField(max_length=16, default="draft", db_index=True)
    scheduled_at = fields.DatetimeField(null=True)
    started_at = fields.DatetimeField(null=True)
    finished_at = fields.DatetimeField(null=True)
    created_at = Timestamp(auto_now_add=True)

    class Meta:
        table = "campaign"


class CampaignDelivery(Model):
    """One message to one customer over one channel. The unique key makes a fan-out that runs
    twice insert nothing new; `claim` and `claimed_at` let exactly one sender hold the row,
    and a claim whose holder died goes stale and is taken over.

    `occasion` tells apart the repeated firings of an automation (birthday year, win-back
    lapse, the purchase that triggered it); it is empty for one-off campaigns.
    `status`: pending | sending | delivered | failed | skipped.
    """

    id = fields.BigIntField(primary_key=True)
    campaign = fields.ForeignKeyField("models.Campaign", related_name="deliveries")
    business_id = fields.IntField()
    customer_id = fields.IntField()
    card_id = fields.IntField()
    channel = fields.CharField(max_length=16)
    occasion = fields.CharField(max_length=40, default="")
    status = fields.CharField(max_length=16, default="pending")
    reason = fields.CharField(max_length=32, default="")
    detail = fields.CharField(max_length=255, default="")
    claim = fields.CharField(max_length=32, null=True)
    claimed_at = fields.DatetimeField(null=True)
    not_before = fields.DatetimeField(null=True)
    attempts = fields.IntField(default=0)
    delivered_at = fields.DatetimeField(null=True)
    created_at = Timestamp(auto_now_add=True)

    class Meta:
        table = "campaign_delivery"
        unique_together = (("campaign", "customer_id", "channel", "occasion"),)
        indexes = (("campaign", "status"), ("card_id", "id"))


class CampaignGrant(Model):
    """The voucher or lottery draw a recipient got with a campaign: one per recipient and
    occasion whatever the number of channels, guarded by the unique key."""

    id = fields.BigIntField(primary_key=True)
    campaign = fields.ForeignKeyField("models.Campaign", related_name="grants")
    customer_id = fields.IntField()
    occasion = fields.CharField(max_length=40, default="")
    card_id = fields.IntField()
    voucher_id = fields.IntField(null=True)
    draw_id = fields.IntField(null=True)
    created_at = Timestamp(auto_now_add=True)

    class Meta:
        table = "campaign_grant"
        unique_together = (("campaign", "customer_id", "occasion"),)


class ContactPreference(Model):
    """A customer's consent per channel and messenger address. An unsubscribe is stored here
    and every later campaign honours it."""

    id = fields.IntField(primary_key=True)
    customer = fields.OneToOneField("models.Customer", related_name="contact_preference")
    business_id = fields.IntField(db_index=True)
    email_unsubscribed_at = fields.DatetimeField(null=True)
    messenger_unsubscribed_at = fields.DatetimeField(null=True)
    push_unsubscribed_at = fields.DatetimeField(null=True)
    messenger_hint = fields.CharField(max_length=16, null=True)
    messenger_address = fields.CharField(max_length=128, null=True)
    updated_at = Timestamp(auto_now=True)

    class Meta:
        table = "contact_preference"


class MessengerIntegration(Model):
    """A business's messenger gateway (WhatsApp / Telegram / Viber through one HTTP JSON API).
    Messengers are offered as a campaign channel only while `status` is connected."""

    id = fields.IntField(primary_key=True)
    business = fields.OneToOneField("models.Business", related_name="messenger_integration")
    base_url = fields.CharField(max_length=255)
    token = fields.CharField(max_length=255)
    hints = fields.JSONField(default=list)
    status = fields.CharField(max_length=16, default="disconnected")
    last_error = fields.CharField(max_length=255, default="")
    connected_at = fields.DatetimeField(null=True)
    updated_at = Timestamp(auto_now=True)

    class Meta:
        table = "messenger_integration"
