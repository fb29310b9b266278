from tortoise import fields
from tortoise.models import Model

from hub.models.fields import Timestamp


class CardTemplate(Model):
    """A stamp card: design plus mechanics. Published versions are frozen in CardTemplateVersion."""

    id = fields.IntField(primary_key=True)
    business = fields.ForeignKeyField("models.Business", related_name="templates")
    name = fields.CharField(max_length=120)
    design = fields.JSONField(default=dict)
    stamps_required = fields.IntField(default=8)
    reward_type = fields.CharField(max_length=16, default="voucher")
    reward_title = fields.CharField(max_length=120, default="Free coffee")
    voucher_valid_days = fields.IntField(default=90)
    cooldown_seconds = fields.IntField(default=0)
    daily_cap = fields.IntField(null=True)
    version = fields.IntField(default=1)
    # "View as customer": a card of this template kept fresh (no stamps) for the owner's preview.
    preview_card_id = fields.IntField(null=True)
    created_at = Timestamp(auto_now_add=True)
    updated_at = Timestamp(auto_now=True)

    class Meta:
        table = "card_template"


class CardTemplateVersion(Model):
    id = fields.IntField(primary_key=True)
    template = fields.ForeignKeyField("models.CardTemplate", related_name="versions")
    version = fields.IntField()
    snapshot = fields.JSONField()
    created_at = Timestamp(auto_now_add=True)

    class Meta:
        table = "card_template_version"
        unique_together = (("template", "version"),)
