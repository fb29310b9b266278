"""Tables. Business rules live in hub.domain; these are storage only."""

from hub.models.business import ApiKey, Business, Location, OwnerAccount, StaffSeat
from hub.models.card import Card, CardEvent, Customer
from hub.models.outbox import OutboxEvent
from hub.models.template import CardTemplate, CardTemplateVersion
from hub.models.voucher import Voucher, VoucherState

__all__ = [
    "ApiKey",
    "Business",
    "Card",
    "CardEvent",
    "CardTemplate",
    "CardTemplateVersion",
    "Customer",
    "Location",
    "OutboxEvent",
    "OwnerAccount",
    "StaffSeat",
    "Voucher",
    "VoucherState",
]

# Admin console: designer drafts.
from hub.models.template_draft import CardTemplateDraft  # noqa: E402

__all__ += ["CardTemplateDraft"]

# Wallet passes: devices, registrations, deliveries, Google sync state.
from hub.models.wallet import (  # noqa: E402
    GoogleWalletClass,
    GoogleWalletObject,
    WalletDelivery,
    WalletDevice,
    WalletPass,
    WalletRegistration,
)

__all__ += [
    "GoogleWalletClass",
    "GoogleWalletObject",
    "WalletDelivery",
    "WalletDevice",
    "WalletPass",
    "WalletRegistration",
]

# Customer card page: lottery prize pools and draws.
from hub.models.lottery import LotteryDraw, Prize, PrizePool, PrizePoolVersion  # noqa: E402

__all__ += ["LotteryDraw", "Prize", "PrizePool", "PrizePoolVersion"]

# Plans and billing: invoices and handled payment webhooks.
from hub.models.billing import Invoice, PaymentEvent  # noqa: E402

__all__ += ["Invoice", "PaymentEvent"]

# Integrations: webhooks, delivery inserts, receipt QR keys, API idempotency.
from hub.models.integrations import (  # noqa: E402
    ApiIdempotency,
    InsertBatch,
    InsertCode,
    ReceiptKey,
    ReceiptUse,
    ToastConnection,
    ToastTransaction,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)

__all__ += [
    "ApiIdempotency",
    "InsertBatch",
    "InsertCode",
    "ReceiptKey",
    "ReceiptUse",
    "ToastConnection",
    "ToastTransaction",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
]

# Campaigns and automations: deliveries, grants, consent, messenger gateway.
from hub.models.campaign import (  # noqa: E402
    Campaign,
    CampaignDelivery,
    CampaignGrant,
    ContactPreference,
    MessengerIntegration,
)

__all__ += ["Campaign", "CampaignDelivery", "CampaignGrant", "ContactPreference", "MessengerIntegration"]

# The card's inbox and its Web Push subscriptions.
from hub.models.inbox import InboxMessage, PushSubscription  # noqa: E402

__all__ += ["InboxMessage", "PushSubscription"]
