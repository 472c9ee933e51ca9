"""The UI shell: layout, navigation by role, user menu, language switch, login/logout, error pages."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.test import Client
from django.urls import path, reverse

from civicgrid.accounts.models import Role
from civicgrid.core.navigation import TOP_LEVEL_LIMIT, navigation_for
from civicgrid.core.navigation import items as nav_items
from civicgrid.core.templatetags.civicgrid import icon, minutes
from civicgrid.testing import TEST_PASSWORD, build_tree, make_department, make_user
from civicgrid.urls import urlpatterns as project_urlpatterns

pytestmark = pytest.mark.django_db

HOME = reverse("site:home")
LOGIN = reverse("accounts:login")
LOGOUT = reverse("accounts:logout")


def _forbidden(request):
    raise PermissionDenied


# A URLconf with one view that refuses, to render the 403 page (see test_403_page_is_in_the_shell).
urlpatterns = [*project_urlpatterns, path("forbidden/", _forbidden)]


@pytest.fixture
def tree():
    return build_tree(fanout=2, depth=3)


def nav_block(html):
    nav = html[html.index('class="navbar-nav me-auto main-nav-items"') :]
    return nav[: nav.index('class="navbar-nav navbar-tools"')]


def nav_links(html):
    """The url names of the main navigation entries in a page (inside their menus too), in order."""
    return re.findall(r'data-nav="([^"]+)"', nav_block(html))


def nav_top_level(html):
    """The entries of the bar itself: links (their url name) and menus ("menu:<key>")."""
    return re.findall(
        r'<li class="nav-item(?: dropdown nav-menu" data-nav-menu="([^"]+)|">\s*<a [^>]*data-nav="([^"]+))',
        nav_block(html),
    )


# --- navigation ------------------------------------------------------------------------------------


HOME_ENTRY = "site:home"
TREE_AND_MAP = ["regions:tree", "regions:map"]
# The community-services menu (社区服务): the services app's staff pages.
SERVICES_COMMUNITY = ["services:manage_craftsmen", "services:manage_orders"]
SERVICES_DISTRICT = [*SERVICES_COMMUNITY, "services:manage_links"]
DISPATCH = ["cases:staff_queue"]
INBOX = "notifications:inbox"
# The 社区服务 menu (community-life apps), for street and community staff.
# --- volunteers --- and --- compounds --- (小区治理 sits between the consult entries and the notices).
COMMUNITY = [
    "activities:manage",
    "volunteers:manage",
    "consult:poll_list",
    "consult:meetings",
    "compounds:list",
    "party:home",  # --- party ---
    "notices:staff_list",
]
# --- property --- the 社区服务 menu's property entries: fees for community staff, ratings for the street.
PROPERTY_FEES = "property:fees"
PROPERTY_RATINGS = "property:ratings"
NOTICES = "notices:staff_list"
# --- points --- the points mall's staff page closes the 社区服务 menu of street and community staff.
POINTS_STAFF = ["points:manage"]
# --- scoring --- the 网格工作 menu (civicgrid.core.navigation.GRIDWORK_MENU): scoring's entries.
# --- gridwork --- the grid worker's day and its supervision, in the same menu.
GRIDWORK_WORKER = ["gridwork:patrol", "gridwork:visits", "gridwork:tasks", "scoring:mine"]
GRIDWORK_STAFF = ["gridwork:supervise", "gridwork:plans", "gridwork:manage", "gridwork:key_places", "scoring:ranking"]


@pytest.mark.parametrize(
    ("role", "key", "expected"),
    [
        (
            Role.RESIDENT,
            "S1C1",
            [
                HOME_ENTRY,
                "cases:report",
                "cases:my_reports",
                "cases:board_home",
                "activities:list",
                "property:home",  # --- property ---
                "consult:polls",
                "volunteers:home",  # --- volunteers ---
                "compounds:mine",
                "volunteers:wall",
                "party:home",  # --- party ---
                "notices:mine",
                "points:mine",  # --- points ---
                "notifications:inbox",
            ],
        ),
        (
            Role.MICROGRID_MEMBER,
            "S1C1G1",
            [HOME_ENTRY, "cases:quick_report", "cases:tasks", *TREE_AND_MAP, "people:index", INBOX],
        ),
        (
            Role.GRID_WORKER,
            "S1C1G1",
            [
                HOME_ENTRY,
                "cases:quick_report",
                "cases:tasks",
                "cases:staff_entry",
                *GRIDWORK_WORKER,
                *TREE_AND_MAP,
                NOTICES,
                "people:index",
                "dashboard:screen",
                INBOX,
            ],
        ),
        (
            Role.COMMUNITY_STAFF,
            "S1C1",
            [
                HOME_ENTRY,
                *DISPATCH,
                "cases:staff_entry",
                *GRIDWORK_STAFF,
                *TREE_AND_MAP,
                "accounts:registrations",
                *COMMUNITY[:2],
                PROPERTY_FEES,  # --- property ---
                *COMMUNITY[2:],
                *SERVICES_COMMUNITY,
                *POINTS_STAFF,
                "people:index",
                "cases:stats",
                "dashboard:screen",
                INBOX,
            ],
        ),
        (
            Role.STREET_STAFF,
            "S1",
            [
                HOME_ENTRY,
                *DISPATCH,
                "cases:staff_entry",
                *GRIDWORK_STAFF,
                *TREE_AND_MAP,
                *COMMUNITY[:2],
                PROPERTY_RATINGS,  # --- property ---
                *COMMUNITY[2:],
                *SERVICES_DISTRICT,
                *POINTS_STAFF,
                "people:index",
                "cases:stats",
                "dashboard:screen",
                INBOX,
            ],
        ),
        (
            Role.COMMAND_OPERATOR,
            "D",
            [
                HOME_ENTRY,
                *DISPATCH,
                "cases:staff_hotline",
                "cases:staff_entry",
                "scoring:ranking",  # the command centre reads the rankings; it runs no grid work
                *TREE_AND_MAP,
                *COMMUNITY[2:],  # no activities or volunteers: those are the community's and street's
                "people:index",
                "cases:stats",
                "dashboard:screen",
                "intake:accuracy",
                INBOX,
            ],
        ),
        # No is_staff flag: no link to Django's admin site.
        (
            Role.SYSTEM_ADMIN,
            "D",
            [
                HOME_ENTRY,
                *DISPATCH,
                *TREE_AND_MAP,
                "party:home",
                "people:index",
                "cases:stats",
                "dashboard:screen",
                "intake:accuracy",
                INBOX,
            ],
        ),
    ],
)
def test_navigation_shows_only_what_the_role_may_use(client, tree, role, key, expected):
    user = make_user("u", role, tree[key])
    client.force_login(user)
    response = client.get(HOME, follow=True)  # a resident is taken on to their home screen
    assert response.status_code == 200
    html = response.content.decode()
    assert nav_links(html) == expected
    top = nav_top_level(html)
    assert len(top) <= TOP_LEVEL_LIMIT
    # A menu is shown only when it holds more than one entry for the user.
    for menu_key, _ in top:
        if menu_key:
            menu = html[html.index(f'data-nav-menu="{menu_key}"') :]
            assert len(re.findall(r'data-nav="', menu[: menu.index("</ul>")])) >= 2
    for item in nav_items():
        if item.url_name not in expected:
            assert f'href="{item.url}"' not in html  # nor as a shortcut on the workbench


def test_system_admin_with_staff_flag_and_superuser_see_administration(client, tree):
    admin = make_user("admin", Role.SYSTEM_ADMIN, tree["D"])
    admin.is_staff = True
    admin.save()
    assert [item.url_name for item in navigation_for(admin)][-1] == "admin:index"
    boss = make_user("boss")
    boss.is_superuser = boss.is_staff = True
    boss.save()
    client.force_login(boss)
    html = client.get(HOME).content.decode()
    assert nav_links(html) == [
        HOME_ENTRY,
        *DISPATCH,
        *TREE_AND_MAP,
        "party:home",
        "people:index",
        "cases:stats",
        "dashboard:screen",
        "intake:accuracy",
        "admin:index",
        INBOX,  # a tool: after the entries, at the bar's right end
    ]
    assert len(nav_top_level(html)) <= TOP_LEVEL_LIMIT


def test_department_staff_uses_the_region_pages(client, tree):
    dept = make_department(tree["S2"], name="城管执法中队")
    user = make_user("d", Role.DEPARTMENT_STAFF, department=dept)
    client.force_login(user)
    html = client.get(HOME).content.decode()
    assert nav_links(html) == [
        HOME_ENTRY,
        "cases:tasks",
        "scoring:departments",
        *TREE_AND_MAP,
        "party:home",
        "cases:stats",
        INBOX,
    ]
    assert "城管执法中队" in html  # on the duty card and in the user menu


def test_current_section_is_marked(client, tree):
    client.force_login(make_user("w", Role.GRID_WORKER, tree["S1C1G1"]))
    html = client.get(reverse("regions:detail", args=[tree["S1C1G1"].code])).content.decode()
    # The menu holding the page is marked in the bar, the page itself inside the menu.
    assert re.search(r'<button class="nav-link dropdown-toggle active"[^>]*id="nav-menu-regions"', html)
    assert re.search(r'class="dropdown-item active" href="/regions/" aria-current="page"', html)
    assert 'class="dropdown-item active" href="/regions/map/"' not in html
    assert (
        'id="nav-menu-cases"' in html
        and 'class="nav-link dropdown-toggle active" type="button" data-bs-toggle="dropdown" aria-expanded="false" id="nav-menu-cases"'
        not in html
    )


def test_no_role_gets_an_empty_workbench(client, tree):
    client.force_login(make_user("nobody"))
    html = client.get(HOME).content.decode()
    assert 'id="no-role"' in html and "尚未分配角色" in html
    assert nav_links(html) == []


# --- the page shell -----------------------------------------------------------------------------


def test_shell_is_chinese_first_and_loads_nothing_from_outside(client, tree):
    client.force_login(make_user("w", Role.GRID_WORKER, tree["S1C1G1"], phone="13812345678"))
    html = client.get(HOME).content.decode()
    assert '<html lang="zh-hans">' in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "/static/vendor/bootstrap/bootstrap.min.css" in html and "/static/vendor/htmx/htmx.min.js" in html
    assert not re.search(r'(src|href)="(https?:)?//', html), "no asset may come from another host"
    assert "<script>" not in html  # no inline script (json_script blocks only)


def test_user_menu_shows_name_roles_nodes_and_a_post_logout(client, tree):
    user = make_user("张伟", Role.GRID_WORKER, tree["S1C1G1"], phone="13812345678")
    from civicgrid.accounts.actions import grant_role

    grant_role(user, Role.RESIDENT, region=tree["S1C2"])
    client.force_login(user)
    html = client.get(HOME).content.decode()
    menu = html[html.index('id="user-menu-button"') : html.index("</nav>")]
    assert "张伟" in menu and "138****5678" in menu and "13812345678" not in html
    assert "网格员" in menu and "S1C1G1" in menu and "居民" in menu and "S1C2" in menu
    assert re.search(r'<form method="post" action="/accounts/logout/"', menu)
    assert 'href="/accounts/logout/"' not in html  # logging out is never a GET link


def test_home_greets_and_lists_duties_with_subtree_counts(client, tree):
    user = make_user("李娜", Role.COMMUNITY_STAFF, tree["S1C1"])
    client.force_login(user)
    html = client.get(HOME).content.decode()
    assert "李娜" in html and re.search(r"(早上好|中午好|下午好|晚上好)", html)
    card = html[html.index('data-role="community_staff"') :]
    assert reverse("regions:detail", args=[tree["S1C1"].code]) in card
    assert "<dt>网格</dt><dd>2</dd>" in card
    assert f"{reverse('regions:map')}?parent={tree['S1C1'].code}" in card


def test_home_query_count_is_bounded(client, tree, django_assert_max_num_queries):
    user = make_user("multi", Role.GRID_WORKER, tree["S1C1G1"])
    from civicgrid.accounts.actions import grant_role

    for key in ("S1C1G2", "S1C2G1", "S2C1G1"):
        grant_role(user, Role.GRID_WORKER, region=tree[key])
    client.force_login(user)
    client.get(HOME)
    # session, user, role assignments, level names, one aggregate for all duties
    with django_assert_max_num_queries(5):
        assert client.get(HOME).status_code == 200


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(HOME)
    assert response.status_code == 302 and response["Location"].startswith(f"{LOGIN}?next=/")


# --- login, lockout, logout ---------------------------------------------------------------------


def test_login_page_and_login_by_phone(client, tree):
    html = client.get(LOGIN).content.decode()
    assert "手机号或用户名" in html and 'autocomplete="current-password"' in html
    assert "连续 5 次密码错误后账号将锁定 30 分钟" in html
    make_user("w", Role.GRID_WORKER, tree["S1C1G1"], phone="13812345678")
    response = client.post(LOGIN, {"username": "13812345678", "password": TEST_PASSWORD})
    assert response.status_code == 302 and response["Location"] == HOME


def test_wrong_password_shows_a_friendly_error_with_the_lockout_warning(client, tree):
    make_user("w", Role.GRID_WORKER, tree["S1C1G1"], phone="13812345678")
    html = client.post(LOGIN, {"username": "13812345678", "password": "nope"}).content.decode()
    assert 'id="login-errors"' in html and "连续失败 5 次后账号将被锁定 30 分钟" in html
    assert 'value="13812345678"' in html  # what was typed is kept


def test_five_failures_show_the_locked_out_page(client, tree, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=45)
    make_user("zhangwei01", Role.GRID_WORKER, tree["S1C1G1"], phone="13812345678")
    for _ in range(5):
        response = client.post(LOGIN, {"username": "13812345678", "password": "Wrong@pass1"})
    assert response.status_code == 429
    html = response.content.decode()
    assert 'id="locked-out"' in html and "账号已锁定" in html and "锁定 45 分钟" in html
    assert "zhangwei01" not in html  # the phone number typed does not reveal the account's username


def test_logout_is_post_only_and_leads_to_the_login_page(client, tree):
    client.force_login(make_user("w", Role.GRID_WORKER, tree["S1C1G1"]))
    assert client.get(LOGOUT).status_code == 405
    response = client.post(LOGOUT, follow=True)
    assert response.redirect_chain[-1][0] == LOGIN
    assert "您已安全退出" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(HOME).status_code == 302


# --- language switch ------------------------------------------------------------------------------


def test_language_switch_to_english_and_back(client, tree):
    client.force_login(make_user("w", Role.GRID_WORKER, tree["S1C1G1"]))
    html = client.get(HOME).content.decode()
    assert 'action="/i18n/setlang/"' in html and 'name="language" value="en"' in html
    response = client.post(reverse("set_language"), {"language": "en", "next": "/regions/"})
    assert response.status_code == 302 and response["Location"] == "/regions/"
    html = client.get("/regions/").content.decode()
    assert '<html lang="en">' in html
    assert ">Regions and grids<" in html and ">Home<" in html and "区划网格" not in html
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert '<html lang="zh-hans">' in client.get(HOME).content.decode()


def test_login_page_in_english(client):
    client.cookies["django_language"] = "en"
    html = client.get(LOGIN).content.decode()
    assert "Phone number or username" in html and ">Sign in<" in html


# --- error pages ------------------------------------------------------------------------------------


def test_404_page_is_in_the_shell(client, tree):
    client.force_login(make_user("w", Role.GRID_WORKER, tree["S1C1G1"]))
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'id="error-404"' in html and 'id="main-nav"' in html and "页面不存在" in html


@pytest.mark.urls("civicgrid.core.tests.test_shell")
def test_403_page_is_in_the_shell(client, tree):
    client.force_login(make_user("w", Role.GRID_WORKER, tree["S1C1G1"]))
    response = client.get("/forbidden/")
    assert response.status_code == 403
    html = response.content.decode()
    assert 'id="error-403"' in html and 'id="main-nav"' in html and "无权访问" in html


def test_500_page_renders_without_a_request():
    html = render_to_string("500.html")
    assert "系统繁忙" in html
    assert "/static/" not in html  # it must render even when static files are what broke


def test_expired_form_gets_a_friendly_csrf_page(tree):
    client = Client(enforce_csrf_checks=True)
    response = client.post(LOGIN, {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()


# --- template helpers -----------------------------------------------------------------------------


def test_template_helpers():
    assert icon("no-such-icon") == ""
    assert icon("map").startswith('<svg class="cg-icon ') and 'aria-hidden="true"' in icon("map")
    assert minutes(timedelta(minutes=30)) == 30 and minutes(1800) == 30 and minutes(None) == ""


def test_bar_groups_menus_and_flattens_a_menu_of_one(tree):
    from civicgrid.core.navigation import MenuEntry, bar_for

    operator = make_user("op", Role.COMMAND_OPERATOR, tree["D"])
    bar = bar_for(operator)
    menus = {entry.menu.key: [item.url_name for item in entry.items] for entry in bar if isinstance(entry, MenuEntry)}
    assert menus == {
        "cases": ["cases:staff_queue", "cases:staff_hotline", "cases:staff_entry"],
        "regions": ["regions:tree", "regions:map"],
        "analysis": ["cases:stats", "dashboard:screen", "intake:accuracy"],
        "community": COMMUNITY[2:],
    }
    assert len(bar) <= TOP_LEVEL_LIMIT
    # A system administrator's case menu would hold the queue only: the queue stands in the bar.
    admin = make_user("admin", Role.SYSTEM_ADMIN, tree["D"])
    bar = bar_for(admin)
    assert "cases:staff_queue" in [entry.url_name for entry in bar]
    assert "menu:cases" not in [entry.url_name for entry in bar]


def test_the_inbox_is_a_tool_at_the_bars_end_not_one_of_its_entries(client, tree):
    from civicgrid.core.navigation import bar_for, tools_for

    user = make_user("u", Role.GRID_WORKER, tree["S1C1G1"])
    assert INBOX not in [getattr(entry, "url_name", None) for entry in bar_for(user)]
    assert [item.url_name for item in tools_for(user)] == [INBOX]
    client.force_login(user)
    html = client.get(reverse("cases:tasks")).content.decode()
    tools = html[html.index('class="navbar-nav nav-tools-items"') :]
    assert f'data-nav="{INBOX}"' in tools[: tools.index("</ul>")]
    assert 'class="nav-item nav-tool"' in tools
