"""A URL an owner typed (webhook, messenger gateway, payment provider) never makes our server call
into a private network, and the owner never learns what answers there."""

import asyncio
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from hub import egress
from hub.delivery import webhook_http
from hub.delivery.payments import PaymentProvider, PaymentUnavailable
from hub.domain import campaigns, webhooks
from hub.errors import InvalidInput
from hub.models import WebhookDelivery, WebhookEndpoint
from tests.campaigns.servers import Gateway
from tests.servers import free_port
from tests.wallet.services import write_tls_material


@pytest.fixture
def public_only(configure):
    configure(STAMPHUB_WEBHOOKS_PRIVATE="0", STAMPHUB_EGRESS_ALLOW=None)


@pytest.fixture
def only_127_0_0_1(public_only, configure):
    """The operator lets in one address (127.0.0.1) and no other private one."""
    configure(STAMPHUB_EGRESS_ALLOW="127.0.0.1/32")


@pytest.fixture
async def dns(monkeypatch):
    """Made-up names: `dns["hooks.example.com"] = ["127.0.0.1", ...]` answers the next lookups
    in turn (the last one repeats); `dns.asked` counts the lookups of each name."""

    class Zone(dict):
        def __init__(self) -> None:
            super().__init__()
            self.asked: dict[str, int] = {}

    zone = Zone()
    loop = asyncio.get_running_loop()
    real = loop.getaddrinfo

    async def resolver(host, *args, **kwargs):
        if host in zone:
            zone.asked[host] = zone.asked.get(host, 0) + 1
            answers = zone[host]
            host = answers[min(zone.asked[host], len(answers)) - 1]
        return await real(host, *args, **kwargs)

    monkeypatch.setattr(loop, "getaddrinfo", resolver)
    return zone


@pytest.fixture
def gateway():
    server = Gateway().start()
    yield server
    server.stop()


def listener(host: str = "127.0.0.1", *, status: int = 200, location: str = "", tls: ssl.SSLContext | None = None):
    """A plain HTTP(S) server that records each request's path and Host header."""
    seen: list[tuple[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            seen.append((self.path, self.headers.get("Host", "")))
            self.send_response(status)
            if location:
                self.send_header("Location", location)
            body = b'{"name": "x", "channels": ["whatsapp"], "id": "cs_1", "url": "https://pay.example/cs_1"}'
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer  # noqa: N815

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((host, free_port()), Handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, seen


# --- Saving a URL ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hooks",
        "http://localhost/hooks",
        "https://api.localhost/hooks",
        "http://10.1.2.3/hooks",
        "http://192.168.0.10/hooks",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]:9000/hooks",
        "http://[::ffff:127.0.0.1]/hooks",
        "http://100.64.0.1/hooks",
        "http://0.0.0.0/hooks",
        # IPv4 inside IPv6: NAT64, 6to4, IPv4-compatible, SIIT, Teredo, link-local
        "http://[64:ff9b::7f00:1]/hooks",
        "http://[64:ff9b::a9fe:a9fe]/latest/meta-data",
        "http://[2002:7f00:1::]/hooks",
        "http://[2002:a00:1::1]/hooks",
        "http://[::127.0.0.1]/hooks",
        "http://[::a00:1]/hooks",
        "http://[::ffff:0:a00:1]/hooks",
        "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hooks",
        "http://[fe80::1%25eth0]/hooks",
        # Numeric aliases of 127.0.0.1 and 10.0.0.1 that resolvers accept
        "http://2130706433/hooks",
        "http://0x7f000001/hooks",
        "http://0x7f.1/hooks",
        "http://017700000001/hooks",
        "http://0177.0.0.1/hooks",
        "http://127.1/hooks",
        "http://10.1/hooks",
    ],
)
async def test_an_endpoint_on_a_private_address_is_refused_when_saved(public_only, shop, url):
    with pytest.raises(InvalidInput, match="public internet address"):
        await webhooks.create_endpoint(shop.business_id, url, ["card.stamped"])


@pytest.mark.parametrize(
    "url",
    [
        "https://93.184.215.14/hooks",
        "https://[64:ff9b::5db8:d70e]/hooks",
        "https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/h",
    ],
)
async def test_a_public_endpoint_is_accepted(public_only, shop, url):
    endpoint = await webhooks.create_endpoint(shop.business_id, url, ["card.stamped"])
    assert endpoint.url == url


# --- Webhook deliveries ------------------------------------------------------------------


async def test_a_name_that_resolves_to_a_private_address_is_never_called(public_only, receiver, dns):
    dns["hooks.example.com"] = ["127.0.0.1"]
    response = await webhook_http.post(receiver.url.replace("127.0.0.1", "hooks.example.com"), b"{}", {})
    assert not response.ok and response.permanent and response.error == egress.UNREACHABLE
    assert receiver.requests == []


async def test_a_delivery_to_a_numeric_alias_fails_at_once_instead_of_retrying(public_only, shop, receiver):
    endpoint = await webhooks.create_endpoint(shop.business_id, "https://93.184.215.14/hooks", ["card.stamped"])
    port = receiver.url.rsplit(":", 1)[1].split("/", 1)[0]
    # Saved before today's check, as some rows are: 2130706433 is 127.0.0.1.
    await WebhookEndpoint.filter(id=endpoint.id).update(url=f"http://2130706433:{port}/hooks")
    [delivery_id] = await webhooks.record_deliveries(
        [{"type": "card.stamped", "business_id": shop.business_id, "event_id": 1}]
    )
    assert await webhooks.attempt_delivery(delivery_id, [60, 300]) == "failed"
    delivery = await WebhookDelivery.get(id=delivery_id)
    assert delivery.last_error == egress.UNREACHABLE and delivery.attempts == 1
    assert receiver.requests == []


async def test_the_checked_address_is_the_one_connected_to_with_the_name_kept(only_127_0_0_1, receiver, dns):
    # Rebinding: the first answer passes the check, every later one points at the metadata service.
    dns["hooks.example.com"] = ["127.0.0.1", "169.254.169.254"]
    url = receiver.url.replace("127.0.0.1", "hooks.example.com")
    response = await webhook_http.post(url, b"{}", {})
    assert response.ok, response.error
    assert dns.asked["hooks.example.com"] == 1
    assert receiver.requests[0].headers["Host"] == url.split("/")[2]


async def test_the_operator_can_allow_private_receivers(receiver):
    response = await webhook_http.post(receiver.url, b"{}", {})
    assert response.ok and len(receiver.requests) == 1


async def test_tls_is_checked_against_the_name_not_the_address(only_127_0_0_1, dns, tmp_path):
    # The certificate names pay.example.com only: verified against the address, it would fail.
    ca, cert, key = write_tls_material(tmp_path, names=("pay.example.com",), addresses=())
    server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_tls.load_cert_chain(cert, key)
    server, seen = listener(tls=server_tls)
    dns["pay.example.com"] = ["127.0.0.1"]
    try:
        port = server.server_address[1]
        async with egress.client(verify=ssl.create_default_context(cafile=str(ca))) as client:
            response = await client.get(f"https://pay.example.com:{port}/v1/account")
        assert response.status_code == 200
        assert seen == [("/v1/account", f"pay.example.com:{port}")]
    finally:
        server.shutdown()
        server.server_close()


# --- Messenger gateway -------------------------------------------------------------------


async def test_a_gateway_on_a_private_address_never_receives_the_token(public_only, shop, gateway):
    with pytest.raises(InvalidInput, match="public internet address"):
        await campaigns.connect_messenger(shop.business_id, gateway.url, gateway.token)
    assert gateway.requests == 0


async def test_the_owner_cannot_tell_a_listening_port_from_a_closed_one(public_only, shop, gateway, dns):
    # A public-looking name for each: one points at a port answering 404, one at a closed port.
    answering, _ = listener(status=404)
    dns["open.example.com"] = ["127.0.0.1"]
    dns["closed.example.com"] = ["127.0.0.1"]
    dns["nowhere.example.com"] = ["192.0.2.1"]  # documentation range: nothing is ever there
    try:
        messages = set()
        for url in (
            f"http://open.example.com:{answering.server_address[1]}",
            f"http://closed.example.com:{free_port()}",
            f"http://nowhere.example.com:{free_port()}",
        ):
            with pytest.raises(InvalidInput) as refused:
                await campaigns.connect_messenger(shop.business_id, url, "tok")
            messages.add(refused.value.message)
        assert messages == {egress.UNREACHABLE}
    finally:
        answering.shutdown()
        answering.server_close()


async def test_a_redirect_to_a_refused_address_is_not_followed(only_127_0_0_1, shop):
    inside, inside_seen = listener("127.0.0.2")
    outside, outside_seen = listener(status=307, location=f"http://127.0.0.2:{inside.server_address[1]}/v1/account")
    try:
        with pytest.raises(InvalidInput) as refused:
            await campaigns.connect_messenger(shop.business_id, f"http://127.0.0.1:{outside.server_address[1]}", "tok")
        assert refused.value.message == egress.UNREACHABLE
        assert len(outside_seen) == 1 and inside_seen == []
    finally:
        for server in (inside, outside):
            server.shutdown()
            server.server_close()


async def test_a_gateway_whose_name_turns_private_gets_no_campaign_messages(public_only, shop, dns):
    from hub.delivery.messenger import MessengerGateway

    answering, seen = listener()
    dns["gw.example.com"] = ["127.0.0.1"]
    try:
        gateway = MessengerGateway(f"http://gw.example.com:{answering.server_address[1]}", "tok")
        result = await gateway.send("whatsapp", "+4915100000", "Hello", key="k1")
        await gateway.aclose()
        assert not result.ok and result.permanent and egress.UNREACHABLE in result.detail
        assert seen == []
    finally:
        answering.shutdown()
        answering.server_close()


# --- Payment provider --------------------------------------------------------------------


async def test_the_payment_provider_is_called_through_the_same_guard(public_only, shop):
    answering, seen = listener()
    try:
        provider = PaymentProvider(f"http://127.0.0.1:{answering.server_address[1]}", "sk_live", "whsec")
        with pytest.raises(PaymentUnavailable):
            await provider.create_checkout_session(
                business_id=shop.business_id, plan="monthly", quantity=1, success_url="x", cancel_url="y"
            )
        assert seen == []
    finally:
        answering.shutdown()
        answering.server_close()
