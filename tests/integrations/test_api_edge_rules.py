"""The rules that keep the API's edge whole as routes are added: every integer is bounded to what
the database holds, every body goes through `ApiModel`, and every upload field's declared size
is enforced by the server."""

import httpx
from nicegui.testing import User

from hub.api.app import create_api_app
from hub.api.edge import RequestEdge
from hub.api.types import INT64_MAX, ApiModel
from tests.ui.owner_steps import open_designer


async def test_an_upload_past_its_fields_declared_size_is_refused_by_the_server(user: User, live, redis, shop):
    await open_designer(user, shop)
    upload = user.find(marker="upload-logo").elements.pop()
    reached: list[str] = []

    async def app(scope, receive, send):
        reached.append(scope["path"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    edge = httpx.AsyncClient(transport=httpx.ASGITransport(app=RequestEdge(app)), base_url="http://testserver")
    url = f"/_nicegui/client/{upload.client.id}/upload/{upload.id}"
    declared = upload.props["max-file-size"]
    too_big = await edge.post(url, files={"file": ("logo.png", b"x" * (declared + 20_000), "image/png")})
    fits = await edge.post(url, files={"file": ("logo.png", b"x" * 1000, "image/png")})
    gone = await edge.post(f"/_nicegui/client/{upload.client.id}/upload/999999", files={"f": ("x", b"x" * 10)})
    await edge.aclose()
    assert too_big.status_code == 413 and fits.status_code == 200 and gone.status_code == 413
    assert reached == [url]


async def test_every_route_bounds_its_integers_and_takes_bodies_through_the_edge_model():
    schema = create_api_app().openapi()
    edge_models = {cls.__name__ for cls in _subclasses(ApiModel)}
    unbounded, outside = [], []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if not _bounded(parameter["schema"]):
                    unbounded.append(f"{method} {path} {parameter['name']}")
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            if body is None:
                continue
            name = body.get("$ref", "").rsplit("/", 1)[-1]
            if name not in edge_models:
                outside.append(f"{method} {path}")
                continue
            for prop, spec in schema["components"]["schemas"][name].get("properties", {}).items():
                if not _bounded(spec):
                    unbounded.append(f"{name}.{prop}")
    assert unbounded == [] and outside == []


def _subclasses(cls: type) -> list[type]:
    return [cls, *(s for sub in cls.__subclasses__() for s in _subclasses(sub))]


def _bounded(spec: dict) -> bool:
    options = spec.get("anyOf", [spec])
    for option in options:
        if option.get("type") == "integer":
            if "maximum" not in option or "minimum" not in option or option["maximum"] > INT64_MAX:
                return False
    return True
