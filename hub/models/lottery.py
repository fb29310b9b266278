from tortoise import fields
from tortoise.models import Model

from hub.models.fields import Timestamp


class PrizePool(Model):
    """Prizes a lottery draws from. A pool tied to a template rewards its full cards;
    a pool without one is fired by inserts, receipt QRs and campaigns."""

    id = fields.IntField(primary_key=True)
    business = fields.ForeignKeyField("models.Business", related_name="prize_pools")
    template = fields.ForeignKeyField("models.CardTemplate", related_name="prize_pools", null=True)
    name = fields.CharField(max_length=120)
    blank_weight = fields.IntField(default=0)
    # Raised by every change of the weighted list; a draw names the version it rolled against.
    version = fields.IntField(default=1)
    archived_at = fields.DatetimeField(null=True)
    created_at = Timestamp(auto_now_add=True)

    class Meta:
        table = "prize_pool"


class PrizePoolVersion(Model):
    """The weighted list of one published version of a pool, as owners and customers saw it."""

    id = fields.IntField(primary_key=True)
    pool = fields.ForeignKeyField("models.PrizePool", related_name="versions")
    version = fields.IntField()
    entries = fields.JSONField(default=list)
    created_at = Timestamp(auto_now_add=True)

    class Meta:
        table = "prize_pool_version"
        unique_together = (("pool", "version"),)


class Prize(Model):
    """One outcome of a pool. `stock` None means unlimited; `awarded` counts wins."""

    id = fields.IntField(primary_key=True)
    pool = fields.ForeignKeyField("models.PrizePool", related_name="prizes")
    title = fields.CharField(max_length=120)
    weight = fields.IntField(default=1)
    stock = fields.IntField(null=True)
    awarded = fields.IntField(default=0)
    valid_days = fields.IntField(null=True)
    position = fields.IntField(default=0)
    image_url = fields.CharField(max_length=300, null=True)
    # A retired prize is drawn no more; the vouchers it gave and the draws naming it stay.
    retired_at = fields.DatetimeField(null=True)
    created_at = Timestamp(auto_now_add=True)

    class Meta:
        table = "prize"


class LotteryDraw(Model):
    """A decided draw. `snapshot` is the weighted list the seed was rolled against, so anyone
    holding the revealed seed can recompute the outcome."""

    id = fields.IntField(primary_key=True)
    business = fields.ForeignKeyField("models.Business", related_name="lottery_draws")
    card = fields.ForeignKeyField("models.Card", related_name="lottery_draws")
    pool = fields.ForeignKeyField("models.PrizePool", related_name="draws")
    pool_version = fields.IntField(default=1)
    prize = fields.ForeignKeyField("models.Prize", related_name="draws", null=True, on_delete=fields.SET_NULL)
    voucher_id = fields.IntField(null=True)
    source = fields.CharField(max_length=16)
    seed = fields.CharField(max_length=64)
    commitment = fields.CharField(max_length=64, db_index=True)
    roll = fields.BigIntField()
    snapshot = fields.JSONField(default=list)
    created_at = Timestamp(auto_now_add=True)
    revealed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "lottery_draw"
