"""The committed OpenAPI schema (docs/api/openapi.yaml) matches the code, and a property-based
run of schemathesis against it finds no server error (5xx), in bounded time."""

import os
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import translation

ROOT = Path(__file__).resolve().parents[3]
SCHEMA_FILE = ROOT / "docs" / "api" / "openapi.yaml"
# Examples per operation; CI keeps the default, a deeper local run sets SCHEMATHESIS_EXAMPLES=200.
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "15"))


def generated_schema():
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiYamlRenderer

    with translation.override("zh-hans"):
        schema = SchemaGenerator().get_schema(request=None, public=True)
        return OpenApiYamlRenderer().render(schema, renderer_context={}).decode()


def test_committed_schema_has_not_drifted():
    assert SCHEMA_FILE.exists(), "run `make openapi` and commit docs/api/openapi.yaml"
    assert generated_schema() == SCHEMA_FILE.read_text(), (
        "docs/api/openapi.yaml is out of date: run `make openapi` and commit the result"
    )


@pytest.mark.django_db  # the rate limit is counted in the database
def test_schema_and_docs_are_served(client):
    assert client.get("/api/v1/schema/").status_code == 200
    assert b"swagger-ui" in client.get("/api/v1/docs/").content.lower()
    assert b"redoc" in client.get("/api/v1/redoc/").content.lower()


def test_the_redoc_bundle_names_no_offsite_asset():
    from civicgrid.api.docs import BUNDLE, OFFSITE_ASSET, offline_bundle

    assert OFFSITE_ASSET.search(BUNDLE.read_text(encoding="utf-8"))  # the upstream bundle has one (its logo)
    assert not OFFSITE_ASSET.search(offline_bundle())


@pytest.mark.django_db
def test_schemathesis_finds_no_server_error(world):
    from rest_framework.authtoken.models import Token

    _seed(world, "fuzz")
    token = Token.objects.create(user=world.people.community).key

    def call(case, app, failures, seen):
        response = case.call(app=app, headers={"Authorization": f"Token {token}"})
        seen.append(response.status_code)
        if response.status_code >= 500:
            failures.append((case.method, case.formatted_path, case.query, case.body, response.status_code))

    failures, seen = _fuzz(SCHEMA_FILE, call)
    assert not failures, failures[:5]
    assert len(seen) >= 10 * EXAMPLES and any(s < 300 for s in seen), seen[:20]


OPEN311_SCHEMA = ROOT / "docs" / "api" / "open311.yaml"


@pytest.mark.django_db
def test_schemathesis_finds_no_server_error_on_open311(world):
    """Open311 from its hand-written schema (docs/api/open311.yaml): no 5xx, and every error is an
    Open311 error list in the requested format with the HTTP status as its code."""
    raw_key = _seed(world, "fuzz311")

    def call(case, app, failures, seen):
        headers = {"X-API-Key": raw_key} if case.method == "POST" else {}
        response = case.call(app=app, headers=headers)
        seen.append(response.status_code)
        where = (case.method, case.formatted_path, case.query, case.body)
        if response.status_code >= 500:
            failures.append((*where, response.status_code))
        elif response.status_code >= 400 and not _is_open311_error(response, case.path_parameters.get("format")):
            failures.append((*where, response.status_code, response.content[:200]))

    failures, seen = _fuzz(OPEN311_SCHEMA, call)
    assert not failures, failures[:5]
    assert len(seen) >= 5 * EXAMPLES and any(s < 300 for s in seen), seen[:20]


def _seed(world, application):
    """Data for the operations to find: open and closed cases, and a webhook-free application key
    of street S1 (returned: the raw key)."""
    from civicgrid.api import actions as api_actions

    from .conftest import make_case, report

    report(world)
    make_case(world, "closed")
    key = api_actions.create_application(application)
    return api_actions.issue_key(key, region=world.tree["S1"], rate_per_minute=0)[1]


def _fuzz(schema_file, call):
    """Run `call(case, app, failures, seen)` on EXAMPLES generated cases of every operation of the
    schema, against the WSGI application (no throttling): (failures, seen status codes)."""
    import hypothesis
    import schemathesis
    from django.conf import settings
    from django.core.signals import request_finished, request_started
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections
    from hypothesis import HealthCheck, Phase

    schema = schemathesis.openapi.from_path(str(schema_file))
    app = get_wsgi_application()
    failures, seen = [], []
    rest = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"user": None, "anon": None}}
    # The WSGI handler closes the database connection around each request (Django's test client
    # prevents that): keep it, the test's transaction is still open.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        with override_settings(REST_FRAMEWORK=rest):
            for result in schema.get_all_operations():

                @hypothesis.given(case=result.ok().as_strategy())
                @hypothesis.settings(
                    max_examples=EXAMPLES,
                    deadline=None,
                    derandomize=True,
                    database=None,
                    phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=list(HealthCheck),
                )
                def check(case):
                    call(case, app, failures, seen)

                check()
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)
    return failures, seen


def _is_open311_error(response, fmt):
    import json
    from xml.etree import ElementTree

    try:
        if fmt == "xml":
            root = ElementTree.fromstring(response.content)
            return root.tag == "errors" and root.findtext("error/code") == str(response.status_code)
        body = json.loads(response.content)
        return isinstance(body, list) and body[0]["code"] == response.status_code and body[0]["description"]
    except (ValueError, ElementTree.ParseError, KeyError, IndexError, TypeError):
        return False
