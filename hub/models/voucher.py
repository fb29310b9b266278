from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from hub.models.fields import Timestamp


class VoucherState(StrEnum):
    ISSUED = "issued"
    ACTIVE = "active"
    REDEEMED = "redeemed"
    EXPIRED = "expired"


class Voucher(Model):
    id = fields.IntField(primary_key=True)
    business = fields.ForeignKeyField("models.Business", related_name="vouchers")
    card = fields.ForeignKeyField("models.Card", related_name="vouchers")
    title = fields.CharField(max_length=120)
    state = fields.CharEnumField(VoucherState, max_length=16, default=VoucherState.ACTIVE)
    source = fields.CharField(max_length=16)
    redeem_code = fields.CharField(max_length=16, unique=True)
    note = fields.CharField(max_length=500, default="")
    expires_at = fields.DatetimeField(null=True)
    redeemed_at = fields.DatetimeField(null=True)
    redeemed_seat = fields.ForeignKeyField("models.StaffSeat", related_name="redeemed_vouchers", null=True)
    redeemed_location = fields.ForeignKeyField("models.Location", related_name="redeemed_vouchers", null=True)
    redeemed_via = fields.CharField(max_length=16, null=True)
    created_at = Timestamp(auto_now_add=True)

    class Meta:
        table = "voucher"
