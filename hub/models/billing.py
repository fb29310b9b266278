from tortoise import fields
from tortoise.models import Model

from hub.models.fields import Timestamp


class Invoice(Model):
    """An invoice as a record; the payment provider holds the money, we hold the history."""

    id = fields.IntField(primary_key=True)
    business = fields.ForeignKeyField("models.Business", related_name="invoices")
    plan = fields.CharField(max_length=16)
    locations = fields.IntField(default=1)
    amount_cents = fields.IntField()
    currency = fields.CharField(max_length=3, default="EUR")
    period_start = fields.DatetimeField()
    period_end = fields.DatetimeField()
    status = fields.CharField(max_length=16)
    provider_ref = fields.CharField(max_length=128, unique=True)
    created_at = Timestamp(auto_now_add=True)

    class Meta:
        table = "invoice"


class PaymentEvent(Model):
    """Provider webhook ids already handled, so a redelivered webhook changes nothing."""

    id = fields.IntField(primary_key=True)
    provider_event_id = fields.CharField(max_length=128, unique=True)
    kind = fields.CharField(max_length=64)
    created_at = Timestamp(auto_now_add=True)

    class Meta:
        table = "payment_event"
