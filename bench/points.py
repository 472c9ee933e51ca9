"""points.award_rps and points.balance_p95 (issue 19 item 11), on PostgreSQL.

award_rps: activity check-ins (activities.events.CheckedIn, the event the points listener earns
from) published by WORKERS processes at once, each event in its own transaction as the check-in
action does, and EVERY EVENT DELIVERED TWICE by two different processes (a replay racing the
original). Awards/s = distinct awards posted / wall time. Afterwards: entries == distinct events
(0 lost), no (source, account, rule) twice (0 double-counted), and reconcile_points finds every
balance equal to the sum of its entries. Baseline, same run: the same deliveries (every event
twice) by ONE process, on the emptied ledger, in awards/s — what the ledger does without
concurrency; the ratio says what the row locks and the unique constraint let WORKERS processes add.

balance_p95: a resident's points page (/points/, through Django's test client in process) with
ENTRIES ledger entries in the district (bulk-loaded with generate_series, spread over ACCOUNTS
accounts); p95 of REQUESTS requests. Baseline: the same page on the empty database.
"""

import multiprocessing
import os
import time

from bench.common import Result, benchmark, collect_static, percentile, setup_django

WORKERS = 4
EVENTS, QUICK_EVENTS = 20_000, 2_000
USERS = 2_000
ENTRIES = int(os.environ.get("BENCH_POINTS_ENTRIES", "10000000"))
QUICK_ENTRIES = 200_000
ACCOUNTS = 50_000
REQUESTS = 300


def _world(users):
    from django.contrib.auth import get_user_model

    from civicgrid.points.models import Rule
    from civicgrid.points.rules import load_defaults
    from civicgrid.testing import build_tree

    load_defaults(Rule)
    Rule.objects.filter(code="activity-checkin").update(daily_cap=None, monthly_cap=None)
    tree = build_tree(fanout=2)
    User = get_user_model()
    User.objects.bulk_create([User(username=f"bench_points_{i}", phone=f"139{i:08d}") for i in range(users)])
    ids = list(User.objects.filter(username__startswith="bench_points_").order_by("pk").values_list("pk", flat=True))
    return tree, ids


def _deliver(args):
    """One worker: publish its share of events, each in its own transaction."""
    events_slice, community = args
    from django.db import connection, transaction
    from django.utils import timezone

    from civicgrid.activities.events import CheckedIn
    from civicgrid.core import events

    connection.close()
    errors = 0
    started = time.perf_counter()
    for enrolment_id, user_id in events_slice:
        event = CheckedIn(
            activity_id=1,
            kind="community",
            region_code=community,
            at=timezone.now(),
            enrolment_id=enrolment_id,
            user_id=user_id,
        )
        try:
            with transaction.atomic():
                events.publish(event)
        except Exception:
            errors += 1
    connection.close()
    return time.perf_counter() - started, errors


def _run_awards(pairs, community, workers):
    from django.db import connections

    connections.close_all()
    # Every event twice, the two copies in different workers' shares (and different positions).
    doubled = pairs + pairs[len(pairs) // 2 :] + pairs[: len(pairs) // 2]
    shares = [doubled[i::workers] for i in range(workers)]
    context = multiprocessing.get_context("fork")
    started = time.perf_counter()
    with context.Pool(workers) as pool:
        outcomes = pool.map(_deliver, [(share, community) for share in shares])
    return time.perf_counter() - started, sum(e for _t, e in outcomes)


def _empty_ledger():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE points_entry CASCADE")
        cursor.execute("UPDATE points_account SET hongde = 0, youai = 0, shanzhi = 0, time_minutes = 0")


@benchmark("points.award_rps")
def award_rps(quick=False):
    db = setup_django("points_award", "postgres")
    from django.core.management import call_command
    from django.db.models import Count

    from civicgrid.points.models import Entry

    count = QUICK_EVENTS if quick else EVENTS
    tree, users = _world(USERS)
    community = tree["S1C1"].code
    pairs = [(n + 1, users[n % len(users)]) for n in range(count)]
    base_wall, _ = _run_awards(pairs, community, workers=1)
    single = Entry.objects.count()
    _empty_ledger()
    wall, errors = _run_awards(pairs, community, workers=WORKERS)
    posted = Entry.objects.count()
    doubles = Entry.objects.values("source", "account", "rule").annotate(n=Count("id")).filter(n__gt=1).count()
    lost = count - posted
    try:
        with open(os.devnull, "w") as quiet:
            call_command("reconcile_points", stdout=quiet)
        reconciled = True
    except SystemExit:
        reconciled = False
    return Result(
        name="points.award_rps",
        value=posted / wall,
        unit="awards/s",
        better="higher",
        baseline_name="the same deliveries by one process (awards/s)",
        baseline_value=single / base_wall,
        target="≥ 1,000 awards/s on two cores; 0 double-counted, 0 lost",
        dataset=(
            f"{count:,} activity check-in events for {len(users):,} residents, each delivered twice "
            f"(original and replay in different processes): {2 * count:,} deliveries by {WORKERS} processes"
            f"{' (quick run)' if quick else ''}"
        ),
        db=db,
        details={
            "awards": posted,
            "deliveries": 2 * count,
            "lost": lost,
            "double_counted": doubles,
            "errors": errors,
            "reconcile_points_clean": reconciled,
            "wall_seconds": round(wall, 2),
        },
    )


def _load_entries(total, accounts, community):
    """Accounts and `total` entries by SQL (generate_series), balances set to the entries' sums."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO points_account (owner_kind, owner_id, region_code, name, hongde, youai, shanzhi,
                   time_minutes, hidden_from_board, created_at, updated_at)
               SELECT 'person', 1000000 + g, %s, '居民' || g, 0, 0, 0, 0, false, now(), now()
               FROM generate_series(1, %s) g""",
            [community, accounts],
        )
        cursor.execute("SELECT min(id) FROM points_account WHERE owner_id > 1000000")
        first = cursor.fetchone()[0]
        cursor.execute(
            """INSERT INTO points_entry (account_id, region_code, kind, amount, rule, source, event, memo, at)
               SELECT %s + (g %% %s), %s, 'hongde', 1 + (g %% 5), 'activity-checkin',
                      'bench:' || g, 'activities.CheckedIn', '参加社区活动签到',
                      now() - make_interval(mins => (g %% 525600))
               FROM generate_series(1, %s) g""",
            [first, accounts, community, total],
        )
        cursor.execute(
            """UPDATE points_account a SET hongde = s.total FROM (
                   SELECT account_id, sum(amount) total FROM points_entry GROUP BY account_id) s
               WHERE a.id = s.account_id"""
        )
        cursor.execute("ANALYZE points_entry")
        cursor.execute("ANALYZE points_account")


def _page_times(client, count):
    times = []
    for _ in range(count):
        started = time.perf_counter()
        response = client.get("/points/")
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return times


@benchmark("points.balance_p95")
def balance_p95(quick=False):
    db = setup_django("points_balance", "postgres")
    from django.db import transaction
    from django.test import Client

    from civicgrid.accounts.models import Role
    from civicgrid.points import ledger
    from civicgrid.testing import build_tree, make_user

    collect_static()
    tree = build_tree(fanout=2)
    community = tree["S1C1"].code
    resident = make_user("bench_resident", Role.RESIDENT, tree["S1C1"], phone="13912345678")
    with transaction.atomic():
        account = ledger.person_account(resident)
        for n in range(30):
            ledger.post(account, "hongde", 2, "activity-checkin", f"bench:own:{n}", "activities.CheckedIn", memo="签到")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(resident)
    _page_times(client, 20)
    empty = percentile(_page_times(client, REQUESTS), 0.95)
    total = QUICK_ENTRIES if quick else ENTRIES
    started = time.perf_counter()
    _load_entries(total, ACCOUNTS, community)
    load_seconds = time.perf_counter() - started
    _page_times(client, 20)
    times = _page_times(client, REQUESTS)
    return Result(
        name="points.balance_p95",
        value=percentile(times, 0.95),
        unit="ms",
        better="lower",
        baseline_name="the same page on the empty database (ms, p95)",
        baseline_value=empty,
        target="≤ 30 ms p95 with 10,000,000 ledger entries in the district",
        dataset=(
            f"{total:,} ledger entries over {ACCOUNTS:,} accounts in one district (generate_series), the "
            f"resident's own 30 entries among them; {REQUESTS} requests of /points/ in process"
            f"{' (quick run)' if quick else ''}"
        ),
        db=db,
        details={"entries": total, "load_seconds": round(load_seconds, 1), "p50_ms": round(percentile(times, 0.5), 2)},
    )
