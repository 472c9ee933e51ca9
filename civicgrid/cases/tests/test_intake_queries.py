"""Intake's cost in queries (issue 15, item 3): a resident's report through the real 我要上报 page.

The count covers the whole POST through the test client, with the limits of a real installation
(CASES_RESIDENT_REPORTS_PER_HOUR/DAY on) and the form's own submission key, after the page's
warm-up (the page opened, and one report filed before, so the process holds its copy of the
categories and the lineage of the place: what a running server has). It includes the two statements
that open and close the report's transaction: under the test's own transaction they are SAVEPOINT /
RELEASE, where a server sends BEGIN / COMMIT.

What follows the commit is not in the count: it is handed over after the commit (on the worker
when a broker runs, civicgrid.core.background) — the notifications, the suggestion record and the
urgency check, the thumbnail, the webhook's delivery. The webhook's outbox row is written in the
transaction.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from civicgrid.api import actions as api_actions
from civicgrid.api.models import WebhookDelivery
from civicgrid.cases.models import Attachment, Case
from civicgrid.cases.tests.conftest import HOME, point_in
from civicgrid.cases.tests.media_files import jpeg
from civicgrid.dashboard.models import CaseFigure
from civicgrid.notifications.models import Notification
from civicgrid.suggest.models import SuggestionRecord

# The session and the user (the per-request floor: civicgrid.accounts, civicgrid.core), the
# transaction's two statements, the number and id, one read (duplicates, rate limit, replay), the
# case, its event, the webhook subscriptions (the outbox), three rollup writes (dashboard).
NO_PHOTO_QUERIES = 12
# The same and the photo's attachment row (its file is written before the transaction).
PHOTO_QUERIES = 13
# A process's first report also builds the spatial index and loads its copy of the categories and the
# place's lineage.
COLD_QUERIES = 17


@pytest.fixture(autouse=True)
def _real_limits(settings, tmp_path):
    settings.CASES_RESIDENT_REPORTS_PER_HOUR = 5
    settings.CASES_RESIDENT_REPORTS_PER_DAY = 20
    settings.CASES_ATTACHMENT_ROOT = tmp_path / "attachments"


def _page_form(client, world, description, **extra):
    """What the browser posts: the page's fields, with the page's own submission key."""
    page = client.get(reverse("cases:report"))
    assert page.status_code == 200
    lon, lat = point_in(world.tree[HOME])
    return {
        "category": world.cats["S05001"].pk,
        "description": description,
        "lon": f"{lon:.6f}",
        "lat": f"{lat:.6f}",
        "address": "幸福小区3号楼",
        "submission_key": page.context["form"]["submission_key"].value(),
        **extra,
    }


def _post(client, data, callbacks_fixture):
    with callbacks_fixture() as callbacks, CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("cases:report"), data)
    assert response.status_code == 302, response.content[:400]
    return queries, callbacks


def _listing(queries):
    return "\n".join(f"{i:2d} {q['sql'][:160]}" for i, q in enumerate(queries.captured_queries, 1))


def test_a_residents_report_without_a_photo_costs_at_most_twelve_queries(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.people.resident)
    cold, _callbacks = _post(client, _page_form(client, world, "楼道灯坏了。"), django_capture_on_commit_callbacks)
    assert len(cold) <= COLD_QUERIES, _listing(cold)

    data = _page_form(client, world, "3号楼门口路灯坏了，晚上很黑。")
    queries, callbacks = _post(client, data, django_capture_on_commit_callbacks)

    assert len(queries) <= NO_PHOTO_QUERIES, _listing(queries)
    case = Case.objects.get(submission_key=data["submission_key"])
    assert case.event_count == 1 and case.events.get().hash == case.head_hash
    assert CaseFigure.objects.filter(case=case).exists()  # the rollups are in the transaction
    # Nobody was told yet and nothing was recorded for smart intake: that follows the commit.
    assert not Notification.objects.filter(case=case).exists()
    assert not SuggestionRecord.objects.filter(case=case).exists()
    assert callbacks
    for callback in callbacks:
        callback()
    assert Notification.objects.filter(case=case, recipient=world.people.community).exists()
    assert SuggestionRecord.objects.filter(case=case, reported_code="S05001").exists()


def test_the_same_form_sent_again_files_nothing_and_keeps_the_numbers_gapless(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.people.resident)
    data = _page_form(client, world, "3号楼门口路灯坏了，晚上很黑。")
    _post(client, data, django_capture_on_commit_callbacks)
    again, _callbacks = _post(client, data, django_capture_on_commit_callbacks)
    assert len(again) <= NO_PHOTO_QUERIES + 1, _listing(again)  # and the number given back
    assert Case.objects.count() == 1
    _post(client, _page_form(client, world, "另一件事：井盖丢了。"), django_capture_on_commit_callbacks)
    assert sorted(Case.objects.values_list("number", flat=True))[-1].endswith("-000002")


def test_a_report_with_a_photo_costs_one_query_more_and_its_thumbnail_follows_the_commit(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.people.resident)
    _post(client, _page_form(client, world, "楼道灯坏了。"), django_capture_on_commit_callbacks)
    data = _page_form(client, world, "3号楼门口路灯坏了，晚上很黑。", photos=[jpeg("门口.jpg")])
    queries, callbacks = _post(client, data, django_capture_on_commit_callbacks)

    assert len(queries) <= PHOTO_QUERIES, _listing(queries)
    photo = Attachment.objects.get(case__submission_key=data["submission_key"])
    assert not photo.thumbnail  # not made in the transaction
    for callback in callbacks:
        callback()
    photo.refresh_from_db()
    assert photo.thumbnail


def test_the_webhook_outbox_row_is_written_in_the_transaction(client, world, django_capture_on_commit_callbacks):
    application = api_actions.create_application("热线系统")
    api_actions.subscribe(application, url="http://127.0.0.1:9/hook", region=world.tree["S1"])
    client.force_login(world.people.resident)
    _post(client, _page_form(client, world, "楼道灯坏了。"), django_capture_on_commit_callbacks)
    data = _page_form(client, world, "3号楼门口路灯坏了，晚上很黑。")
    queries, _callbacks = _post(client, data, django_capture_on_commit_callbacks)
    # Before anything after the commit ran: the outbox row is there (nothing is lost if the process
    # stops now), and it costs the one insert more.
    delivery = WebhookDelivery.objects.get(case_event__case__submission_key=data["submission_key"])
    assert delivery.payload["type"] == "case.reported"
    assert len(queries) <= NO_PHOTO_QUERIES + 1, _listing(queries)


def test_a_category_stopped_in_the_admin_is_refused_at_once(client, world, django_capture_on_commit_callbacks):
    from civicgrid.cases import catalogue

    client.force_login(world.people.resident)
    _post(client, _page_form(client, world, "楼道灯坏了。"), django_capture_on_commit_callbacks)  # the copy is loaded
    data = _page_form(client, world, "3号楼门口路灯坏了，晚上很黑。")
    category = world.cats["S05001"]
    category.is_active = False
    with django_capture_on_commit_callbacks(execute=True):
        catalogue.save_category(category)
    response = client.post(reverse("cases:report"), data)
    assert response.status_code == 400
    assert not Case.objects.filter(submission_key=data["submission_key"]).exists()
