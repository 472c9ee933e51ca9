"""The pages through the test client: staff read the overview and a compound's page (with other
apps' panels), keep the ledger and the fund; residents see their own compound and its fund ledger;
another compound's resident gets 404 and nothing changes. User text is escaped."""

import copy
from pathlib import Path

import pytest
from django.urls import reverse

from civicgrid.cases.models import Case
from civicgrid.compounds import actions
from civicgrid.compounds.models import Payment, Pledge, RectificationItem, StarRise
from civicgrid.compounds.tests.conftest import make_project
from civicgrid.core import panels
from civicgrid.people import selectors as people_selectors


@pytest.fixture
def test_panel(settings, monkeypatch):
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0].get("DIRS", []), str(Path(__file__).parent / "templates")]
    settings.TEMPLATES = templates
    monkeypatch.setitem(
        panels.REGISTRY._entries,
        "test.example",
        panels.Panel(
            "test.example",
            "compound",
            "compounds_test/panel.html",
            "civicgrid.compounds.tests.panels_for_tests.example",
        ),
    )


def login(client, user):
    client.force_login(user)
    return client


def test_the_overview_and_the_compound_page_show_the_panels(client, world, estate, test_panel):
    p = world.people
    actions.add_party(p.community, estate.a, kind="branch", name="<i>支部</i>", phone="13900001111")
    c = login(client, p.community)
    page = c.get(reverse("compounds:list")).content.decode()
    assert "幸福小区" in page and "和谐小区" not in page
    detail = c.get(reverse("compounds:detail", args=[estate.a.pk])).content.decode()
    assert 'id="test-panel"' in detail and "面板：幸福小区&lt;b&gt;" in detail
    assert "&lt;i&gt;支部&lt;/i&gt;" in detail and "139****1111" in detail
    assert c.get(reverse("compounds:detail", args=[estate.b.pk])).status_code == 404


def test_staff_keep_the_ledger_through_the_pages(client, world, estate):
    p = world.people
    c = login(client, p.community)
    url = reverse("compounds:item_add", args=[estate.a.pk])
    data = {"problem": "路灯不亮", "measure": "更换", "owner": "物业", "due_date": "2026-12-31"}
    assert c.post(url, data).status_code == 302
    item = RectificationItem.objects.get()
    bad = c.post(url, {**data, "due_date": "not a date"}, follow=True)
    assert bad.status_code == 200 and "请填写正确的完成时限" in bad.content.decode()
    assert RectificationItem.objects.count() == 1
    assert c.post(reverse("compounds:item_close", args=[item.pk]), {"evidence": "已换"}).status_code == 302
    item.refresh_from_db()
    assert item.status == "closed"
    # Out of scope: 404, nothing changed.
    other = login(client, p.community_neighbour)
    assert other.post(url, data).status_code == 404
    assert other.post(reverse("compounds:rise_request", args=[estate.a.pk]), {"criteria": []}).status_code == 404
    assert RectificationItem.objects.count() == 1 and not StarRise.objects.exists()


def test_residents_never_open_staff_pages(client, world, estate):
    c = login(client, estate.users.a)
    for url in (reverse("compounds:list"), reverse("compounds:detail", args=[estate.a.pk])):
        assert c.get(url).status_code == 404
    data = {"problem": "x", "measure": "y", "owner": "z", "due_date": "2026-12-31"}
    assert c.post(reverse("compounds:item_add", args=[estate.a.pk]), data).status_code == 404
    assert not RectificationItem.objects.exists()


def test_a_resident_checks_their_compounds_fund_ledger(client, world, estate):
    p = world.people
    project = make_project(world, estate)
    (h1, label1), _second = people_selectors.compound_households(estate.a.pk)[:2]
    pledge = actions.set_pledge(p.community, project.pk, household_id=h1, pledged="2000")
    actions.record_payment(p.community, pledge.pk, paid="800")
    c = login(client, estate.users.a2)
    mine = c.get(reverse("compounds:mine")).content.decode()
    assert "幸福小区" in mine and reverse("compounds:fund", args=[project.pk]) in mine
    page = c.get(reverse("compounds:fund", args=[project.pk])).content.decode()
    assert label1 in page and "800.00" in page and "2000.00" in page
    assert "甲" not in page and "乙" not in page  # house numbers only, never names


def test_another_compounds_resident_gets_404_and_changes_nothing(client, world, estate):
    project = make_project(world, estate)
    c = login(client, estate.users.b)
    assert c.get(reverse("compounds:fund", args=[project.pk])).status_code == 404
    response = c.post(reverse("compounds:supervise", args=[project.pk]), {"kind": "safety", "description": "危险"})
    assert response.status_code == 404 and not Case.objects.exists()
    mine = c.get(reverse("compounds:mine")).content.decode()
    assert "和谐小区" in mine and "幸福小区" not in mine
    unknown = login(client, estate.users.unknown)
    assert "基础数据中没有找到您所在的小区" in unknown.get(reverse("compounds:mine")).content.decode()
    # Staff of the compound's community record payments; nobody else does.
    pledge = actions.set_pledge(
        world.people.community,
        project.pk,
        household_id=people_selectors.compound_households(estate.a.pk)[0][0],
        pledged="100",
    )
    assert c.post(reverse("compounds:payment", args=[pledge.pk]), {"paid": "10"}).status_code == 404
    assert not Payment.objects.exists() and Pledge.objects.get().paid == 0


def test_a_resident_reports_through_the_page(client, world, estate):
    project = make_project(world, estate)
    c = login(client, estate.users.a)
    url = reverse("compounds:supervise", args=[project.pk])
    response = c.post(url, {"kind": "disturbance", "description": "夜间施工噪音"}, follow=True)
    assert response.status_code == 200 and "已提交，案件编号" in response.content.decode()
    assert Case.objects.count() == 1
    bad = c.post(url, {"kind": "nope", "description": "x"}, follow=True)
    assert "请选择问题类别" in bad.content.decode() and Case.objects.count() == 1


def test_files_are_served_to_staff_and_the_compounds_residents_only(client, world, estate):
    from civicgrid.cases.tests.media_files import jpeg

    project = make_project(world, estate)
    row = actions.add_files(world.people.community, project.pk, [jpeg()])[0]
    url = reverse("compounds:file_thumb", args=[row.pk])
    assert login(client, estate.users.a).get(url).status_code == 200
    assert login(client, world.people.street).get(url).status_code == 200
    assert login(client, estate.users.b).get(url).status_code == 404
    assert login(client, world.people.community_neighbour).get(url).status_code == 404
