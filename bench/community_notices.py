"""community.notice_publish: milliseconds to publish one notice to a district of 300,000 resident
accounts, request path only (issue 17, item 10).

Data: a district tree from civicgrid.testing.build_tree (4 streets × 4 communities × 4 grids), and
300,000 resident accounts spread over its 16 communities — users with unusable passwords and their
RESIDENT role assignments written with bulk_create.

Measured: the POST of the publish button (Django test client: middleware, scope check, the
conditional update, the change log, NoticePublished, and after the commit the inbox decision, which
counts the audience up to NOTICES_INBOX_MAX + 1 accounts and, the audience being larger, messages
nobody). Publishing writes no row per resident: a reader's unread state is (the notices of their
audience) minus (their NoticeRead rows). Median of several publishes, each of a fresh draft written
for the whole district by its system administrator.

Baseline, in the same run and process: the same publishes before the residents were written (the
same notice to an empty district).
"""

import statistics
import time

from bench.common import Result, benchmark, setup_django

RESIDENTS, QUICK_RESIDENTS = 300_000, 30_000
RUNS, QUICK_RUNS = 9, 3
BATCH = 10_000
TARGET = "≤ 500 ms to publish to 300,000 residents"


def _publish_times(client, admin, district, runs):
    from django.urls import reverse

    from civicgrid.notices import actions
    from civicgrid.notices.models import Kind, Notice, Status

    times = []
    for i in range(runs + 1):
        draft = actions.save_notice(
            admin,
            Notice(),
            region=district,
            kind=Kind.NOTICE,
            title=f"全区停水通知 {i}",
            body="周六停水。\n\n请提前储水。",
        )
        started = time.perf_counter()
        response = client.post(reverse("notices:publish", args=[draft.pk]), {"version": draft.version})
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 302, response.status_code
        assert Notice.objects.get(pk=draft.pk).status == Status.PUBLISHED
        if i:  # the first is a warm-up
            times.append(elapsed)
    return times


def _residents(tree, count):
    from django.contrib.auth import get_user_model

    from civicgrid.accounts.models import Role, RoleAssignment
    from civicgrid.regions.models import Level

    User = get_user_model()
    communities = [node for key, node in sorted(tree.items()) if node.level == Level.COMMUNITY]
    made = 0
    while made < count:
        size = min(BATCH, count - made)
        users = User.objects.bulk_create(
            [User(username=f"r{made + i:07d}", name=f"居民{made + i}", password="!") for i in range(size)]
        )
        RoleAssignment.objects.bulk_create(
            [
                RoleAssignment(user=user, role=Role.RESIDENT, region=communities[(made + i) % len(communities)])
                for i, user in enumerate(users)
            ]
        )
        made += size
    return communities


def _run(quick):
    db = setup_django("community_notice_publish", "postgres")
    from django.db import connection
    from django.test import Client

    from civicgrid.accounts.models import Role
    from civicgrid.accounts.models import User as UserModel
    from civicgrid.notices import actions, selectors
    from civicgrid.testing import build_tree, make_user

    runs = QUICK_RUNS if quick else RUNS
    count = QUICK_RESIDENTS if quick else RESIDENTS
    tree = build_tree(fanout=4, depth=3)
    district = tree["D"]
    admin = make_user("quzhang", Role.SYSTEM_ADMIN, district)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(admin)

    empty = _publish_times(client, admin, district, runs)

    started = time.perf_counter()
    communities = _residents(tree, count)
    building = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    full = _publish_times(client, admin, district, runs)

    # One resident's unread count (the home screen's badge), with every notice of the run published.
    resident = UserModel.objects.get(username="r0000000")
    unread = selectors.unread_count(resident)
    badge = []
    for _ in range(20):
        resident = UserModel.objects.get(pk=resident.pk)  # a fresh request: assignments not cached
        started = time.perf_counter()
        selectors.unread_count(resident)
        badge.append((time.perf_counter() - started) * 1000)
    # The receipts page's counts over the whole audience, after one reader.
    notice = selectors.mine(resident).first()
    actions.mark_read(resident, notice)
    started = time.perf_counter()
    receipts = selectors.receipts(notice)
    receipts_ms = (time.perf_counter() - started) * 1000
    connection.close()
    return Result(
        name="community.notice_publish",
        value=statistics.median(full),
        unit="ms",
        better="lower",
        baseline_name="the same publish to an empty district (no resident accounts), same run",
        baseline_value=statistics.median(empty),
        target=TARGET,
        dataset=(
            f"{count:,} resident accounts (bulk_create, unusable passwords) in {len(communities)} communities of a "
            f"build_tree district; the publish POST of a district-wide notice, median of {runs} "
            f"(after one warm-up){', quick run' if quick else ''}"
        ),
        db=db,
        details={
            "publish p50 / max": f"{statistics.median(full):.1f} / {max(full):.1f} ms",
            "rows written per resident at publish": "0 (no fan-out: unread = audience − NoticeRead rows)",
            "unread-count query for one resident (badge), p50": f"{statistics.median(badge):.2f} ms ({unread} unread)",
            "receipts counts over the whole audience": f"{receipts_ms:.0f} ms "
            f"(audience {receipts['audience']:,}, read {receipts['read']})",
            "writing the accounts": f"{building:.0f} s",
        },
    )


@benchmark("community.notice_publish")
def notice_publish(quick=False):
    return _run(quick)
