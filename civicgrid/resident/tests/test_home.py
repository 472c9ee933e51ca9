"""The resident's home screen: who lands there, what it shows (the community, the report button, the
open cases, the apps' tiles in their order with badges, the slots), the tab bar, and "我的"."""

import re

import pytest
from django.urls import reverse

from civicgrid.accounts.models import Role
from civicgrid.cases.models import Case
from civicgrid.core import tiles
from civicgrid.resident import actions
from civicgrid.resident.templatetags.resident import badge_text
from civicgrid.testing import TEST_PASSWORD, make_user

pytestmark = pytest.mark.django_db
HOME = "/resident/"


def tile_names(html):
    block = html[html.index("data-tiles") :]
    return re.findall(r'data-tile="([^"]+)"', block)


def forty_two(user):
    return 42


def test_a_resident_signs_in_to_the_home_screen(client, world):
    tree, users, case = world
    response = client.post(
        reverse("accounts:login"), {"username": users["resident"].phone, "password": TEST_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == HOME
    html = response.content.decode()
    assert tree["S1C1"].name in html and "居民陈静" in html


def test_staff_keep_the_workbench_and_are_not_sent_to_the_home_screen(client, world):
    tree, users, case = world
    for key in ("community", "worker"):
        client.force_login(users[key])
        response = client.get("/")
        assert response.status_code == 200 and "site/home.html" in [t.name for t in response.templates]
        assert "data-resident-tabbar" not in response.content.decode()
        assert client.get(HOME).url == "/"  # the home screen sends them back to theirs
        assert client.get(reverse("resident:me")).url == "/"


def test_staff_who_also_live_in_a_community_keep_the_workbench_but_may_open_the_home_screen(client, world):
    from civicgrid.accounts.actions import grant_role

    tree, users, case = world
    grant_role(users["worker"], Role.RESIDENT, region=tree["S1C2"])
    client.force_login(users["worker"])
    assert client.get("/").status_code == 200
    response = client.get(HOME)
    assert response.status_code == 200 and tree["S1C2"].name in response.content.decode()
    assert "data-resident-tabbar" not in response.content.decode()  # their top navigation serves


def test_anonymous_visitors_go_to_the_login_page(client, world):
    for url in (HOME, reverse("resident:me")):
        response = client.get(url)
        assert response.status_code == 302 and response.url == f"{reverse('accounts:login')}?next={url}"


def test_the_home_screen_shows_the_report_button_open_cases_tiles_in_order_badges_and_slots(
    client, world, django_capture_on_commit_callbacks
):
    tree, users, case = world
    with django_capture_on_commit_callbacks(execute=True):
        actions.welcome([users["resident"]])
    client.force_login(users["resident"])
    html = client.get(HOME).content.decode()
    header = html[html.index("data-resident-header") : html.index("resident-primary")]
    assert tree["S1C1"].name in header
    assert re.search(r'class="resident-report" href="/cases/report/" data-tile="report"', html)
    assert re.search(
        r'href="/cases/my/" data-tile="my_cases">\s*<span class="resident-cases-count" data-open-cases>1<', html
    )
    names = tile_names(html)
    assert "report" not in names and "my_cases" not in names  # shown above the grid, not twice
    mine = [n for n in names if n in {"board", "messages", "volunteering", "micro_wishes", "points"}]
    assert mine == ["board", "messages", "volunteering", "micro_wishes", "points"]
    registered = [s.tile.name for s in tiles.tiles_for(users["resident"], with_slots=True)]
    assert names == [n for n in registered if n not in ("report", "my_cases")]  # every tile, in its order
    messages = html[html.index('data-tile="messages"') :]
    assert re.match(
        r'data-tile="messages"[^>]*>\s*<span class="resident-tile-icon"><svg[^>]*>.*?</svg><span class="resident-tile-badge" data-badge>1</span>',
        messages,
        re.S,
    )
    # The wave-three apps have filled the slots: each is a link to its page, no "即将开通" card left.
    for slot, url in (
        ("volunteering", "/volunteers/"),
        ("micro_wishes", "/volunteers/wishes/"),
        ("points", "/points/"),
    ):
        assert f'data-tile="{slot}" data-coming-soon' not in html
        assert re.search(rf'<a class="resident-tile" href="{re.escape(url)}" data-tile="{slot}"', html), slot


def test_closing_a_case_takes_it_off_the_open_count(client, world):
    tree, users, case = world
    Case.objects.filter(pk=case.pk).update(status="closed")
    client.force_login(users["resident"])
    assert re.search(r"data-open-cases>0<", client.get(HOME).content.decode())


def test_an_app_fills_a_slot_by_registering_a_tile_of_its_name(client, world, monkeypatch):
    tree, users, case = world
    # Two slots of a later wave; one app arrives and fills its own.
    slots = tiles.Registry("home tile slot")
    for slot in tiles.SLOTS:
        slots.register(slot)
    slots.register(
        tiles.Slot("party", "党建", icon="star", roles=frozenset({"resident"}), order=140),
        tiles.Slot("patrol", "巡查", icon="pin", roles=frozenset({"resident"}), order=150),
    )
    registry = tiles.Registry("home tile")
    for tile in tiles.REGISTRY:
        registry.register(tile)
    registry.register(
        tiles.Tile("party", "党建园地", "resident:me", icon="star", badge=f"{__name__}.forty_two", order=140)
    )
    monkeypatch.setattr(tiles, "SLOTS", slots)
    monkeypatch.setattr(tiles, "REGISTRY", registry)
    client.force_login(users["resident"])
    html = client.get(HOME).content.decode()
    assert 'data-tile="party" data-coming-soon' not in html
    assert re.search(r'<a class="resident-tile" href="/resident/me/" data-tile="party"', html)
    assert "党建园地" in html and "data-badge>42<" in html
    assert 'data-tile="patrol" data-coming-soon' in html  # the other slot waits


def test_the_tab_bar_is_for_residents_and_marks_the_current_tab(client, world):
    tree, users, case = world
    client.force_login(users["resident"])
    for url, current in [(HOME, "resident:home"), ("/cases/my/", "cases:my_reports"), ("/resident/me/", "resident:me")]:
        html = client.get(url).content.decode()
        bar = html[html.index("data-resident-tabbar") : html.index("</nav>", html.index("data-resident-tabbar"))]
        assert re.findall(r'data-tab="([^"]+)"', bar) == [
            "resident:home",
            "cases:report",
            "cases:my_reports",
            "notifications:inbox",
            "resident:me",
        ]
        assert re.findall(r'data-tab="([^"]+)" aria-current="page"', bar) == [current]
        assert '<link rel="manifest" href="/manifest.webmanifest">' in html
        assert "/static/civicgrid/pwa.js" in html and "<script>" not in html


def test_my_page_shows_the_account_the_community_and_how_to_install(client, world):
    tree, users, case = world
    client.force_login(users["resident"])
    html = client.get(reverse("resident:me")).content.decode()
    assert "居民陈静" in html and "137****1234" in html and "13700001234" not in html
    assert tree["S1C1"].name in html and tree["S1C2"].name not in html
    assert "添加到主屏幕" in html and 'action="/accounts/logout/"' in html


def test_the_home_screen_answers_get_only_and_changes_nothing(client, world):
    tree, users, case = world
    client.force_login(users["resident"])
    before = Case.objects.count()
    assert client.post(HOME, {"x": "\x00"}).status_code == 405
    assert client.get(HOME, {"page": "\x00"}).status_code == 400  # the house's NUL-byte net
    assert client.get(HOME, {"q": "<script>alert(1)</script>"}).status_code == 200
    assert Case.objects.count() == before


def test_the_home_screen_costs_a_bounded_number_of_queries(client, world, django_assert_max_num_queries):
    tree, users, case = world
    client.force_login(users["resident"])
    client.get(HOME)
    # session, user, role assignments, open cases, unread messages (then cached)
    with django_assert_max_num_queries(6):
        assert client.get(HOME).status_code == 200


def test_a_second_resident_sees_their_own_community_and_counts(client, world):
    tree, users, case = world
    client.force_login(users["neighbour"])
    html = client.get(HOME).content.decode()
    assert tree["S1C2"].name in html and tree["S1C1"].name not in html[: html.index("resident-primary")]
    assert re.search(r"data-open-cases>0<", html)


def test_badge_text():
    assert [badge_text(n) for n in (None, 0, -1, 5, 99, 100)] == ["", "", "", "5", "99", "99+"]


def test_a_user_without_roles_is_not_a_resident(client, world):
    client.force_login(make_user("nobody"))
    assert client.get(HOME).url == "/"
