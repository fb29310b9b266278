"""Wallet passes: what each issued pass looks like now, which devices hold it, and what
each push achieved (the delivery receipts staff see in a card's history)."""

from tortoise import fields
from tortoise.models import Model

from hub.models.fields import Timestamp


class WalletPass(Model):
    """The current rendition of a card's pass, shared by Apple and Google.

    `version` goes up (and `updated_at` moves forward) only when the rendered content
    changes, so a redelivered event or a second regenerate never pushes twice.
    """

    id = fields.IntField(primary_key=True)
    card = fields.OneToOneField("models.Card", related_name="wallet_pass")
    digest = fields.CharField(max_length=64)
    version = fields.IntField(default=1)
    template_version = fields.IntField(default=1)
    updated_at = fields.DatetimeField(db_index=True)
    # The latest campaign notice; Apple shows it on the lock screen when it changes.
    notice = fields.CharField(max_length=255, default="")
    created_at = Timestamp(auto_now_add=True)

    class Meta:
        table = "wallet_pass"


class WalletDevice(Model):
    """An Apple device that holds our passes (PassKit deviceLibraryIdentifier)."""

    id = fields.IntField(primary_key=True)
    library_id = fields.CharField(max_length=128, unique=True)
    push_token = fields.CharField(max_length=256)
    created_at = Timestamp(auto_now_add=True)
    updated_at = Timestamp(auto_now=True)

    class Meta:
        table = "wallet_device"


class WalletRegistration(Model):
    """A device registered for updates of one card's pass."""

    id = fields.IntField(primary_key=True)
    device = fields.ForeignKeyField("models.WalletDevice", related_name="registrations")
    card = fields.ForeignKeyField("models.Card", related_name="wallet_registrations")
    created_at = Timestamp(auto_now_add=True)
    # The pass version this device was last told about (serials list) and last downloaded.
    listed_version = fields.IntField(default=0)
    listed_at = fields.DatetimeField(null=True)
    fetched_version = fields.IntField(default=0)
    fetched_at = fields.DatetimeField(null=True)

    class Meta:
        table = "wallet_registration"
        unique_together = (("device", "card"),)


class WalletDelivery(Model):
    """One push of one pass version to one Apple device or to the Google object.

    `key` is unique per (target, version), so a retried job never pushes a version twice.
    """

    id = fields.BigIntField(primary_key=True)
    key = fields.CharField(max_length=96, unique=True)
    card = fields.ForeignKeyField("models.Card", related_name="wallet_deliveries")
    platform = fields.CharField(max_length=8)
    registration_id = fields.IntField(null=True, db_index=True)
    pass_version = fields.IntField()
    status = fields.CharField(max_length=16, default="pending")
    detail = fields.CharField(max_length=255, default="")
    attempts = fields.IntField(default=0)
    created_at = Timestamp(auto_now_add=True, db_index=True)
    accepted_at = fields.DatetimeField(null=True)
    fetched_at = fields.DatetimeField(null=True)

    class Meta:
        table = "wallet_delivery"


class GoogleWalletClass(Model):
    """A LoyaltyClass created in Google Wallet for one published template version."""

    id = fields.IntField(primary_key=True)
    template = fields.ForeignKeyField("models.CardTemplate", related_name="google_classes")
    version = fields.IntField()
    class_id = fields.CharField(max_length=200, unique=True)
    synced_at = Timestamp(auto_now_add=True)

    class Meta:
        table = "google_wallet_class"
        unique_together = (("template", "version"),)


class GoogleWalletObject(Model):
    """A card's LoyaltyObject in Google Wallet and the state of its last sync."""

    id = fields.IntField(primary_key=True)
    card = fields.OneToOneField("models.Card", related_name="google_object")
    object_id = fields.CharField(max_length=200, unique=True)
    class_id = fields.CharField(max_length=200)
    synced_version = fields.IntField(default=0)
    synced_at = fields.DatetimeField(null=True)
    status = fields.CharField(max_length=16, default="pending")
    has_users = fields.BooleanField(default=False)
    # Google lets an object notify its holder at most three times a day.
    messages_day = fields.DateField(null=True)
    messages_sent = fields.IntField(default=0)
    created_at = Timestamp(auto_now_add=True)

    class Meta:
        table = "google_wallet_object"
