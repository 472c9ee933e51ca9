"""Residents read plain words: their community (not 负责/职责, no codes) and statuses as they live them
(已交办, 暂缓处理) rather than the office's steps (待签收, 挂账)."""

from django.urls import reverse

from civicgrid.cases.models import RESIDENT_STATUS, Case, Status
from civicgrid.cases.tests.conftest import make_case


def test_the_resident_home_page_speaks_of_their_community(world, client):
    client.force_login(world.people.resident)
    landed = client.get(reverse("site:home"), follow=True)  # a resident lands on their home screen
    assert landed.redirect_chain[-1][0] == reverse("resident:home")
    body = landed.content.decode()
    assert world.tree["S1C1"].name in body and "我要上报" in body
    for word in ("我的职责", "负责", f"<code>{world.tree['S1C1'].code}</code>"):
        assert word not in body, word
    client.force_login(world.people.community)
    staff = client.get(reverse("site:home")).content.decode()
    assert "我的职责" in staff and f"<code>{world.tree['S1C1'].code}</code>" in staff


def test_statuses_in_residents_words(world, client):
    assert set(RESIDENT_STATUS) == set(Status)
    suspended = make_case(world, Status.HANDLING)
    Case.objects.filter(pk=suspended.pk).update(status=Status.SUSPENDED)  # how it reads, not how it got there
    dispatched = make_case(world, Status.DISPATCHED)
    client.force_login(world.people.resident)
    listing = client.get(reverse("cases:my_reports")).content.decode()
    assert "暂缓处理（需多方协调）" in listing and "已交办" in listing
    assert "挂账" not in listing and "待签收" not in listing
    page = client.get(reverse("cases:my_report", args=[suspended.number])).content.decode()
    assert "暂缓处理" in page and "挂账" not in page
    assert dispatched.reporter == world.people.resident
