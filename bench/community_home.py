"""community.home_p95: the resident's home screen (the phone's first page) in a district with 1,000
notices, 200 activities and 50 polls among 300,000 resident accounts (issue 17, item 10).

Data: a district tree from civicgrid.testing.build_tree (4 streets × 4 communities × 4 grids) and
300,000 resident accounts over its 16 communities (bulk_create, as community.notice_publish). The
notices, activities and polls are written through their apps' actions by each community's staff:
notices for the district, its streets and communities (so every resident's audience holds many),
activities and polls spread over the communities, all published and open.

Measured: GET /resident/ by one resident through Django's test client (middleware, session, roles,
the tiles and every badge: unread notices, open polls not voted in, open reports, unread messages),
p95 and median of the wall time over REQUESTS requests after a warm-up.

Baseline, same run and process: the same page for the same resident before any of that was written
(the empty database: only the tree and the resident).
"""

import base64
import os
import statistics
import time
from datetime import timedelta

from bench.common import Result, benchmark, collect_static, percentile, setup_django

RESIDENTS, QUICK_RESIDENTS = 300_000, 20_000
NOTICES, ACTIVITIES, POLLS = 1_000, 200, 50
QUICK_NOTICES, QUICK_ACTIVITIES, QUICK_POLLS = 100, 20, 10
REQUESTS, QUICK_REQUESTS = 200, 40
TARGET = "p95 ≤ 100 ms with 1,000 notices, 200 activities, 50 polls and 300,000 residents"


def _page_times(client, count):
    times = []
    for i in range(count + 10):
        started = time.perf_counter()
        response = client.get("/resident/")
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.status_code
        if i >= 10:  # warm-up
            times.append(elapsed)
    return times


def _content(tree, staff, notices, activities, polls):
    from civicgrid.activities import actions as activity_actions
    from civicgrid.activities.models import Activity
    from civicgrid.consult import actions as consult_actions
    from civicgrid.core import clock
    from civicgrid.notices import actions as notice_actions
    from civicgrid.notices.models import Kind, Notice
    from civicgrid.regions.models import Level

    communities = [node for _key, node in sorted(tree.items()) if node.level == Level.COMMUNITY]
    nodes = [tree["D"], *[n for _k, n in sorted(tree.items()) if n.level == Level.STREET], *communities]
    now = clock.now()
    for i in range(notices):
        node = nodes[i % len(nodes)]
        draft = notice_actions.save_notice(
            staff, Notice(), region=node, kind=Kind.NOTICE, title=f"通知 {i}", body="周六停水，请提前储水。"
        )
        notice_actions.publish_notice(staff, draft)
    for i in range(activities):
        community = communities[i % len(communities)]
        starts = now + timedelta(days=3 + i % 20)
        activity = activity_actions.save_activity(
            staff,
            Activity(),
            title=f"社区活动 {i}",
            description="欢迎居民参加。",
            region=community,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            place="社区广场",
            lat=34.75,
            lng=113.62,
            capacity=50,
            signup_deadline=starts - timedelta(hours=2),
            min_age=None,
            max_age=None,
            tag_code="",
        )
        activity_actions.publish_activity(staff, activity.pk)
    for i in range(polls):
        poll = consult_actions.create_poll(
            staff,
            community=communities[i % len(communities)],
            title=f"议事 {i}",
            opens_at=now - timedelta(hours=1),
            closes_at=now + timedelta(days=7),
            questions=[{"kind": "single", "text": "您是否同意？", "options": ["同意", "不同意"]}],
        )
        consult_actions.open_poll(poll, staff)
    return communities


def _run(quick):
    # Base data's keys (the phone's keyed hash of the resident account).
    for key in ("PEOPLE_DATA_KEY", "PEOPLE_HASH_KEY"):
        os.environ.setdefault(key, base64.urlsafe_b64encode(os.urandom(32)).decode())
    db = setup_django("community_home", "postgres")
    collect_static()
    from django.db import connection
    from django.test import Client

    from bench.community_notices import _residents
    from civicgrid.accounts.models import Role
    from civicgrid.testing import build_tree, make_user

    tree = build_tree(fanout=4, depth=3)
    first_community = tree["S1C1"]
    resident = make_user("jumin", Role.RESIDENT, first_community, phone="13800000001")
    staff = make_user("quzhang", Role.SYSTEM_ADMIN, tree["D"])
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(resident)
    requests = QUICK_REQUESTS if quick else REQUESTS
    empty = _page_times(client, requests)

    started = time.perf_counter()
    _residents(tree, QUICK_RESIDENTS if quick else RESIDENTS)
    counts = (QUICK_NOTICES, QUICK_ACTIVITIES, QUICK_POLLS) if quick else (NOTICES, ACTIVITIES, POLLS)
    _content(tree, staff, *counts)
    building = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    full = _page_times(client, requests)
    page = client.get("/resident/").content.decode()
    connection.close()
    value, baseline = percentile(full, 0.95), percentile(empty, 0.95)
    return Result(
        name="community.home_p95",
        value=value,
        unit="ms",
        better="lower",
        baseline_name="the same page for the same resident on the empty database (p95, same run)",
        baseline_value=baseline,
        target=TARGET,
        dataset=(
            f"build_tree district (16 communities), {QUICK_RESIDENTS if quick else RESIDENTS:,} resident accounts, "
            f"{counts[0]:,} notices, {counts[1]:,} activities, {counts[2]:,} open polls written through the "
            f"apps' actions; GET /resident/ by one resident, {requests} requests after 10 warm-up, test client"
            f"{', quick run' if quick else ''}"
        ),
        db=db,
        details={
            "median": f"{statistics.median(full):.1f} ms (empty database {statistics.median(empty):.1f} ms)",
            "page": f"{len(page):,} characters",
            "writing the data": f"{building:.0f} s",
        },
    )


@benchmark("community.home_p95")
def home_p95(quick=False):
    return _run(quick)
