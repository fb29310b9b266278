from hub.api import integrations
from hub.api.app import create_api_app
from tests.servers import ROOT


def test_every_integration_route_is_documented_and_every_post_takes_an_idempotency_key():
    schema = create_api_app().openapi()
    docs = (ROOT / "docs" / "API.md").read_text()
    ours = {route.path for route in integrations.router.routes}
    for path in ours:
        full = f"/api/v1{path}"
        methods = schema["paths"][full]
        for method, operation in methods.items():
            assert f"`{method.upper()} {full}`" in docs, f"{method.upper()} {full} is missing from docs/API.md"
            if method == "post" and not full.endswith("/check"):
                headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
                assert "Idempotency-Key" in headers, full


def test_the_openapi_schema_carries_examples():
    schema = create_api_app().openapi()["components"]["schemas"]
    assert schema["InsertBatchIn"]["properties"]["size"]["examples"] == [200]
    assert schema["EndpointIn"]["properties"]["events"]["examples"]
