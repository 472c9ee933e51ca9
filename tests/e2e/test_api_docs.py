"""The API documentation pages (Swagger UI and Redoc) work offline: every file they need comes
from this server (drf-spectacular-sidecar), nothing from a CDN. The `new_page` fixture fails the
test on any request that leaves the live server; this test also lists every request it saw."""

from .conftest import log_in


def _requests(page, live_server):
    seen = []
    page.on("request", lambda request: seen.append(request.url))
    return seen


def test_swagger_ui_is_served_offline_and_tries_a_call(new_page, live_server, district):
    page = new_page()
    seen = _requests(page, live_server)
    log_in(page, "13900001111")
    page.goto("/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "CivicGrid API" in page.inner_text(".swagger-ui .info .title")
    # Try GET /api/v1/me/ with the signed-in session.
    block = page.locator("#operations-me-me_retrieve")
    block.locator(".opblock-summary").click()
    block.get_by_role("button", name="Try it out").click()
    block.get_by_role("button", name="Execute").click()
    page.wait_for_selector("#operations-me-me_retrieve .responses-table .response-col_status")
    assert "街道李强" in block.locator(".responses-wrapper").inner_text()
    assert seen and all(url.startswith(live_server.url) for url in seen), [
        u for u in seen if not u.startswith(live_server.url)
    ]
    assert any("drf_spectacular_sidecar" in url for url in seen)


def test_redoc_is_served_offline(new_page, live_server):
    page = new_page()
    seen = _requests(page, live_server)
    page.goto("/api/v1/redoc/")
    page.wait_for_selector("text=CivicGrid API")
    page.wait_for_selector("text=/api/v1/cases/")
    assert all(url.startswith(live_server.url) for url in seen), [u for u in seen if not u.startswith(live_server.url)]
