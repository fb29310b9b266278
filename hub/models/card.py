from tortoise import fields
from tortoise.models import Model

from hub.models.fields import Timestamp


class Customer(Model):
    id = fields.IntField(primary_key=True)
    business = fields.ForeignKeyField("models.Business", related_name="customers")
    name = fields.CharField(max_length=120)
    email = fields.CharField(max_length=254, null=True, db_index=True)
    birthday = fields.DateField(null=True)
    marketing_consent = fields.BooleanField(default=False)
    # The language the customer's pages were in when they joined: their e-mails and wallet pass
    # speak it (hub.i18n code; None: the business's language).
    language = fields.CharField(max_length=16, null=True)
    created_at = Timestamp(auto_now_add=True)

    class Meta:
        table = "customer"


class Card(Model):
    """A customer's issued card. `number` is for staff search; `token` opens the card page."""

    id = fields.IntField(primary_key=True)
    business = fields.ForeignKeyField("models.Business", related_name="cards")
    template = fields.ForeignKeyField("models.CardTemplate", related_name="cards")
    customer = fields.ForeignKeyField("models.Customer", related_name="cards")
    number = fields.IntField(unique=True)
    token = fields.CharField(max_length=32, unique=True)
    template_version = fields.IntField(default=1)
    stamps = fields.IntField(default=0)
    stamps_total = fields.IntField(default=0)
    rounds_completed = fields.IntField(default=0)
    platforms = fields.JSONField(default=list)
    created_at = Timestamp(auto_now_add=True)
    last_stamp_at = fields.DatetimeField(null=True)
    deleted_at = fields.DatetimeField(null=True)

    class Meta:
        table = "card"


class CardEvent(Model):
    """The journal: one row per card operation, written in the operation's transaction."""

    id = fields.BigIntField(primary_key=True)
    business = fields.ForeignKeyField("models.Business", related_name="card_events")
    card = fields.ForeignKeyField("models.Card", related_name="events")
    customer_id = fields.IntField(db_index=True)
    kind = fields.CharField(max_length=32)
    delta = fields.IntField(default=0)
    stamps_after = fields.IntField(default=0)
    seat = fields.ForeignKeyField("models.StaffSeat", related_name="events", null=True)
    location = fields.ForeignKeyField("models.Location", related_name="events", null=True)
    voucher_id = fields.IntField(null=True)
    idempotency_key = fields.CharField(max_length=128, null=True)
    detail = fields.JSONField(default=dict)
    # When it was synced (written); a scan queued offline also keeps when it was scanned.
    created_at = Timestamp(auto_now_add=True, db_index=True)
    scanned_at = fields.DatetimeField(null=True)

    @property
    def happened_at(self):
        """When the operation took place at the counter: the scan time of a queued scan."""
        return self.scanned_at or self.created_at

    class Meta:
        table = "card_event"
        unique_together = (("business", "idempotency_key"),)
