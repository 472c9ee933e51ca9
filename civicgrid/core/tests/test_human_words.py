"""Chinese pages speak Chinese: no field names (snake_case), ISO timestamps or "+00:00" in the text a
person reads — the change log shows field labels, local times, choice labels and 是/否; the access
log shows 身份证号 and 标签：… 关键词：…; a warning notification is labelled 预警 (issue 14 item 6)."""

import re
from datetime import date
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from civicgrid.cases.tests.conftest import _fast_and_unlimited, world  # noqa: F401
from civicgrid.core.changelog import changes_for

ASCII_IDENTIFIER = re.compile(r"\b[a-z]+_[a-z_]+\b")
ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:")
UTC_OFFSET = "+00:00"


class TextOnly(HTMLParser):
    """The text nodes of a page: no scripts, styles, attributes or comments."""

    SKIP = {"script", "style", "template", "noscript"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth and data.strip():
            self.parts.append(data.strip())


def visible_text(html):
    parser = TextOnly()
    parser.feed(html)
    return "\n".join(parser.parts)


def internal_strings(text):
    return sorted(
        {*ASCII_IDENTIFIER.findall(text), *ISO_TIME.findall(text), *([UTC_OFFSET] if UTC_OFFSET in text else [])}
    )


@pytest.fixture
def town(world, django_capture_on_commit_callbacks):  # noqa: F811
    """A person living alone, tagged, visited (a verified-at time in the log), a few access-log rows
    and a warning notification."""
    from civicgrid.accounts.models import Role
    from civicgrid.dashboard import warnings
    from civicgrid.dashboard.models import RuleAction, RuleKind, WarningRule
    from civicgrid.people import actions as people_actions
    from civicgrid.people.models import AccessKind, AccessLog
    from civicgrid.people.testing import add_person, make_building, make_id_number

    grid = world.tree["S1C1G1"]
    worker = world.people.grid
    house = make_building(grid, code="H1").houses.first()
    person = add_person(worker, house, name="王奶奶", id_number=make_id_number(birth=date(1940, 5, 1)))
    people_actions.set_tags(worker, person, ["elderly_alone"])
    people_actions.verify_house(worker, house, usage="self", present_ids=[person.pk])
    now = timezone.now()
    common = {"user": world.people.community, "at": now, "region_code": grid.code}
    AccessLog.objects.create(kind=AccessKind.UNMASK, person=person, field="id_number", reason="核实身份", **common)
    # A row written before exports logged words: read back as words.
    AccessLog.objects.create(kind=AccessKind.EXPORT, detail=f"{grid.code} tag=elderly_alone q=王 masked", **common)
    WarningRule.objects.create(
        name="久未走访", kind=RuleKind.ELDERLY_NOT_VISITED, threshold=0, action=RuleAction.NOTIFY,
        notify_role=Role.COMMUNITY_STAFF,
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        warnings.run_rules(now + timezone.timedelta(days=1))
    person.refresh_from_db()
    return world, person


def page_text(client, user, url):
    client.force_login(user)
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200, url
    return visible_text(response.content.decode())


def test_change_log_shows_labels_local_times_and_choice_labels(town):
    made, person = town
    assert made.tree
    rows = [row for change in changes_for(person.house) for row in change.readable_fields()]
    labels = {label for label, _before, _after in rows}
    assert "last_verified_at" not in labels and any("核查" in label or "走访" in label for label in labels), labels
    assert not any(ISO_TIME.search(str(value)) for _label, before, after in rows for value in (before, after))
    tag_rows = [row for change in changes_for(person) for row in change.readable_fields() if row[0] == "标签"]
    assert tag_rows and "独居老人" in tag_rows[0][2]


def test_chinese_pages_show_no_internal_strings(town, client):
    made, person = town
    community, street = made.people.community, made.people.street
    pages = [
        (community, reverse("people:person", args=[person.pk])),
        (community, reverse("people:house", args=[person.house_id])),
        (community, reverse("people:household", args=[person.household_id])),
        (street, reverse("people:access_log")),
        (community, reverse("notifications:inbox")),
        (street, reverse("dashboard:screen")),
        (made.people.grid, reverse("people:person", args=[person.pk])),
        (made.people.grid, "/"),
        (made.people.resident, "/resident/"),  # a resident lands on their home screen
        (community, "/"),
        (street, "/"),
        (community, reverse("people:index")),
    ]
    found = {}
    texts = {}
    for user, url in pages:
        texts[url] = text = page_text(client, user, url)
        bad = internal_strings(text)
        if bad:
            found[url] = bad
    assert not found, found
    log = texts[reverse("people:access_log")]
    assert "身份证号" in log and "标签：独居老人" in log and "关键词：王" in log
    assert "预警" in texts[reverse("notifications:inbox")]
