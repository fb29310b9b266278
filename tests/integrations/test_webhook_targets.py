"""A tenant's webhook URL never makes our server call into a private network."""

import asyncio

import pytest

from hub.domain import webhooks
from hub.errors import InvalidInput
from hub.webhooks import transport


@pytest.fixture
def public_only(monkeypatch):
    monkeypatch.setenv("STAMPHUB_WEBHOOKS_PRIVATE", "0")


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
    ],
)
async def test_an_endpoint_on_a_private_address_is_refused_when_saved(public_only, shop, url):
    with pytest.raises(InvalidInput, match="public internet addresses"):
        await webhooks.create_endpoint(shop.business_id, url, ["card.stamped"])


async def test_a_public_endpoint_is_accepted(public_only, shop):
    endpoint = await webhooks.create_endpoint(shop.business_id, "https://93.184.215.14/hooks", ["card.stamped"])
    assert endpoint.url == "https://93.184.215.14/hooks"


async def test_a_name_that_resolves_to_a_private_address_is_never_called(public_only, receiver, monkeypatch):
    # A public-looking name whose DNS answer points inside (rebinding): the resolver is asked at delivery.
    loop = asyncio.get_running_loop()
    real = loop.getaddrinfo

    async def resolver(host, *args, **kwargs):
        return await real("127.0.0.1" if host == "hooks.example.com" else host, *args, **kwargs)

    monkeypatch.setattr(loop, "getaddrinfo", resolver)
    url = receiver.url.replace("127.0.0.1", "hooks.example.com")
    response = await transport.post(url, b"{}", {})
    assert not response.ok and "hooks.example.com is a private or local address" in response.error
    assert receiver.requests == []


async def test_the_operator_can_allow_private_receivers(receiver):
    response = await transport.post(receiver.url, b"{}", {})
    assert response.ok and len(receiver.requests) == 1
