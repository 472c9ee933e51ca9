"""Each role its own work (issue 14 item 5): a department's task list, the queue's dispatch hints
only for dispatchers, and breadcrumbs that lead only to pages the user may open."""

import re

import pytest
from django.urls import reverse

from civicgrid.cases.models import HandlingLevel, Status
from civicgrid.cases.tests.conftest import make_case

CRUMBS = re.compile(r'<ol class="breadcrumb[^"]*">(.*?)</ol>', re.S)
HREF = re.compile(r'href="([^"]+)"')


def sections_of(response):
    return {key: [c.number for c in items] for key, _title, items in response.context["sections"]}


def test_a_department_sees_the_cases_dispatched_to_it(world, client):
    to_sign = make_case(world, Status.DISPATCHED, level=HandlingLevel.DEPARTMENT, code="06010")
    in_hand = make_case(world, Status.HANDLING, level=HandlingLevel.DEPARTMENT, code="06010", co=[world.water])
    handled = make_case(world, Status.HANDLED, level=HandlingLevel.DEPARTMENT, code="06010")
    grid_case = make_case(world, Status.HANDLING)
    client.force_login(world.people.dept)
    response = client.get(reverse("cases:tasks"))
    assert response.status_code == 200
    sections = sections_of(response)
    assert sections["sign"] == [to_sign.number]
    assert sections["handle"] == [in_hand.number]
    assert sections["handled"] == [handled.number]
    assert sections["co"] == []
    assert grid_case.number not in str(sections)
    html = response.content.decode()
    # Its own actions and lights: sign in one tap, feedback, progress and extension from the card.
    assert reverse("cases:staff_act", args=[to_sign.number, "sign"]) in html
    assert "do=request_extension" in html and "do=feedback" in html
    assert 'data-light="' in html


def test_another_departments_case_is_not_in_the_list_and_not_found(world, client):
    ours = make_case(world, Status.DISPATCHED, level=HandlingLevel.DEPARTMENT, code="06010")
    client.force_login(world.people.dept_water)
    sections = sections_of(client.get(reverse("cases:tasks")))
    assert ours.number not in str(sections)
    assert client.get(reverse("cases:staff_detail", args=[ours.number])).status_code == 404


def test_a_co_handling_department_sees_the_case_to_add_its_progress(world, client):
    case = make_case(world, Status.HANDLING, level=HandlingLevel.DEPARTMENT, code="06010", co=[world.water])
    client.force_login(world.people.dept_water)
    sections = sections_of(client.get(reverse("cases:tasks")))
    assert sections["co"] == [case.number] and sections["handle"] == []


def test_dispatch_hints_only_for_dispatchers(world, client):
    client.force_login(world.people.community)
    assert 'data-hint="dispatch"' in client.get(reverse("cases:staff_queue")).content.decode()
    client.force_login(world.people.dept)
    response = client.get(reverse("cases:staff_queue"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-hint="dispatch"' not in html and not response.context["can_bulk"]


@pytest.mark.parametrize(
    ("who", "level"),
    [
        ("grid", HandlingLevel.GRID),
        ("dept", HandlingLevel.DEPARTMENT),
        ("community", HandlingLevel.GRID),
        ("street", HandlingLevel.DEPARTMENT),
        ("operator", HandlingLevel.GRID),
    ],
)
def test_every_breadcrumb_link_opens_for_that_role(world, client, who, level):
    case = make_case(
        world, Status.HANDLING, level=level, code="06010" if level == HandlingLevel.DEPARTMENT else "S05001"
    )
    client.force_login(getattr(world.people, who))
    response = client.get(reverse("cases:staff_detail", args=[case.number]))
    assert response.status_code == 200
    links = [href for block in CRUMBS.findall(response.content.decode()) for href in HREF.findall(block)]
    assert links, "the case page leads back to a list"
    for href in links:
        assert client.get(href).status_code == 200, href
