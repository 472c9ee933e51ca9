"""The navigation bar is rendered once per roles, language and page, its badges on every request."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from civicgrid.accounts.models import Role
from civicgrid.core import navigation
from civicgrid.notifications.models import Kind, Notification
from civicgrid.testing import build_tree, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    cache.clear()
    navigation._rendered.clear()
    tree = build_tree(fanout=1)
    return make_user("jd", Role.STREET_STAFF, region=tree["S1"]), make_user("jd2", Role.STREET_STAFF, region=tree["S1"])


def bars():
    """How many navigation bars are rendered (the user menus' roles are kept beside them)."""
    return sum(1 for key in navigation._rendered if key[0] != "user-roles")


def bar(client):
    html = client.get(reverse("notifications:preferences")).content.decode()
    return html[html.index('class="navbar-nav me-auto main-nav-items"') : html.index('class="navbar-nav navbar-tools"')]


def test_two_users_with_the_same_roles_share_one_rendering_but_not_their_badges(client, people):
    first, second = people
    Notification.objects.create(recipient=first, kind=Kind.ASSIGNED, title="派遣", created_at=timezone.now())
    client.force_login(first)
    mine = bar(client)
    rendered = bars()
    client.force_login(second)
    theirs = bar(client)
    assert bars() == rendered  # the same key: no second rendering
    assert 'aria-current="page"' in mine and "text-bg-danger" in mine and ">1</span>" in mine
    assert "text-bg-danger" not in theirs
    assert "cg-badge" not in mine + theirs  # every marker replaced


def test_the_page_and_the_language_are_part_of_the_key(client, people):
    client.force_login(people[0])
    chinese = bar(client)
    client.get(reverse("notifications:inbox"))
    client.cookies["django_language"] = "en"
    english = bar(client)
    assert "消息" in chinese and "Messages" in english
    assert bars() == 3
