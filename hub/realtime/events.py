"""Every event the platform emits, as plain typed dicts.

`Event` is the union of them all; the list of event types, the webhook events and the wallet
triggers are read off it, so a new event is declared in one place.

An event names the rooms it goes to (`card:<token>`, `location:<id>`, `seat:<id>`,
`business:<id>`) through `rooms()`; the card page token only ever goes to the
card's own room.
"""

from typing import Any, Literal, NotRequired, TypedDict, Union, get_args, get_type_hints


class CardState(TypedDict):
    business_id: int
    card_id: int
    number: int
    token: str
    stamps: int
    stamps_required: int
    stamps_total: int
    template_id: int
    template_version: int
    last_stamp_at: str | None


class CardUpdated(CardState):
    type: Literal["card.updated"]
    deleted: bool


class CardIssued(CardState):
    type: Literal["card.issued"]
    customer_name: str


class CardStamped(CardState):
    type: Literal["card.stamped"]
    delta: int
    reward: bool
    seat_id: int | None
    seat_name: NotRequired[str | None]
    location_id: int | None
    customer_name: NotRequired[str]


class VoucherEvent(TypedDict):
    type: Literal["voucher.issued", "voucher.redeemed", "voucher.expired"]
    business_id: int
    card_id: int
    number: int
    token: str
    voucher_id: int
    title: str
    state: str
    source: str
    seat_id: int | None
    location_id: int | None


class CardDeleted(TypedDict):
    type: Literal["card.deleted"]
    business_id: int
    card_id: int
    number: int
    token: str


def rooms(event: dict[str, Any]) -> list[str]:
    out = [f"business:{event['business_id']}"]
    if event.get("token"):
        out.append(f"card:{event['token']}")
    if event.get("location_id"):
        out.append(f"location:{event['location_id']}")
    if event.get("seat_id"):
        out.append(f"seat:{event['seat_id']}")
    return out


def for_room(event: dict[str, Any], room: str) -> dict[str, Any]:
    """What a room may see: staff and owners get no card page token."""
    if room.startswith(("business:", "location:", "seat:")):
        return {k: v for k, v in event.items() if k != "token"}
    return event


# Access: a credential ended (an API key or seat revoked, a password changed, a sign-out). Every
# process forgets what it cached for it and closes or re-checks what it opened with it
# (hub/realtime/access.py). Internal: never forwarded to sockets.
class AccessEnded(TypedDict):
    type: Literal["access.ended"]
    business_id: int
    kind: Literal["api_key", "seat", "owner"]
    subject_id: int


# Admin console: template versions and the regeneration that pushes them to issued cards.
class TemplatePublished(TypedDict):
    type: Literal["template.published"]
    business_id: int
    template_id: int
    version: int
    mechanics_changed: bool


class TemplateRegeneration(TypedDict):
    """Progress of pushing a template version to its issued cards (`finished` on the last one)."""

    type: Literal["template.regeneration"]
    business_id: int
    template_id: int
    version: int
    done: int
    total: int
    finished: bool


# Customer card page: a lottery draw, decided and stored before the page spins it.
class LotteryDrawn(TypedDict):
    """`commitment` is sha256 of the draw's seed; the seed itself is revealed only after the spin."""

    type: Literal["lottery.drawn"]
    business_id: int
    card_id: int
    number: int
    token: str
    draw_id: int
    pool_id: int
    commitment: str
    source: str
    won: bool
    prize_title: str | None
    voucher_id: int | None
    seat_id: int | None
    location_id: int | None


# Campaigns: live progress for the admin list, and a message on the customer's card page.
class CampaignProgress(TypedDict):
    """`channels` maps channel → {pending, sending, delivered, failed, skipped} counts."""

    type: Literal["campaign.progress"]
    business_id: int
    campaign_id: int
    status: str
    total: int
    done: int
    channels: dict[str, dict[str, int]]


class CardMessage(TypedDict):
    """A campaign PUSH delivered to this card: the card page shows it as a toast."""

    type: Literal["card.message"]
    business_id: int
    card_id: int
    number: int
    token: str
    campaign_id: int
    delivery_id: int
    title: str
    body: str


Event = Union[  # noqa: UP007 (the members are read back with get_args)
    CardUpdated,
    CardIssued,
    CardStamped,
    VoucherEvent,
    CardDeleted,
    AccessEnded,
    TemplatePublished,
    TemplateRegeneration,
    LotteryDrawn,
    CampaignProgress,
    CardMessage,
]


def types_of(*schemas: type) -> tuple[str, ...]:
    """The `type` values the given event schemas declare."""
    return tuple(kind for schema in schemas for kind in get_args(get_type_hints(schema)["type"]))


SCHEMAS: dict[str, type] = {kind: schema for schema in get_args(Event) for kind in types_of(schema)}
EVENT_TYPES = tuple(SCHEMAS)
# Never forwarded to sockets or webhooks: what processes tell each other.
INTERNAL_TYPES = types_of(AccessEnded)
