from tortoise import fields
from tortoise.models import Model

from hub.models.fields import Timestamp


class Business(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=120)
    timezone = fields.CharField(max_length=64, default="UTC")
    plan = fields.CharField(max_length=16, default="free")
    # The Free plan's monthly meter, gated by one conditional UPDATE (hub.domain.plans).
    ops_month = fields.CharField(max_length=7, default="")
    ops_count = fields.IntField(default=0)
    grace_until = fields.DatetimeField(null=True)
    payment_customer = fields.CharField(max_length=64, null=True)
    # One visit, one stamp: the staff scanner and the kiosk ask before stamping a card again
    # this soon after its last stamp (hub.domain.visits); 0 is off. The REST API ignores it.
    visit_window_seconds = fields.IntField(default=120)
    # The new owner's checklist: when the join poster was first downloaded from the console.
    poster_printed_at = fields.DatetimeField(null=True)
    # The customer pages' language when the browser asks for none we offer (a hub.i18n code).
    language = fields.CharField(max_length=16, default="en")
    created_at = Timestamp(auto_now_add=True)

    class Meta:
        table = "business"


class OwnerAccount(Model):
    id = fields.IntField(primary_key=True)
    business = fields.ForeignKeyField("models.Business", related_name="owners")
    email = fields.CharField(max_length=254, unique=True)
    password_hash = fields.CharField(max_length=255)
    created_at = Timestamp(auto_now_add=True)

    class Meta:
        table = "owner_account"


class Location(Model):
    id = fields.IntField(primary_key=True)
    business = fields.ForeignKeyField("models.Business", related_name="locations")
    name = fields.CharField(max_length=120)
    created_at = Timestamp(auto_now_add=True)

    class Meta:
        table = "location"


class StaffSeat(Model):
    """A "Staff Login": one per workstation; stamps are attributed to it."""

    id = fields.IntField(primary_key=True)
    business = fields.ForeignKeyField("models.Business", related_name="seats")
    location = fields.ForeignKeyField("models.Location", related_name="seats")
    name = fields.CharField(max_length=120)
    login = fields.CharField(max_length=64, unique=True)
    password_hash = fields.CharField(max_length=255)
    revoked_at = fields.DatetimeField(null=True)
    created_at = Timestamp(auto_now_add=True)

    class Meta:
        table = "staff_seat"


class ApiKey(Model):
    """Only a hash of the key is stored; the prefix finds the row without scanning."""

    id = fields.IntField(primary_key=True)
    business = fields.ForeignKeyField("models.Business", related_name="api_keys")
    name = fields.CharField(max_length=120)
    prefix = fields.CharField(max_length=16, unique=True)
    key_hash = fields.CharField(max_length=64)
    scopes = fields.JSONField(default=list)
    created_at = Timestamp(auto_now_add=True)
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_key"
