from tortoise import fields
from tortoise.models import Model

from hub.models.fields import Timestamp


class CardTemplateDraft(Model):
    """Unpublished designer changes. Issued cards keep the live template until it is published."""

    id = fields.IntField(primary_key=True)
    business = fields.ForeignKeyField("models.Business", related_name="template_drafts")
    template = fields.OneToOneField("models.CardTemplate", related_name="draft")
    values = fields.JSONField()
    updated_at = Timestamp(auto_now=True)

    class Meta:
        table = "card_template_draft"
