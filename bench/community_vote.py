"""community.vote_rps: residents' votes through the real HTTP stack on PostgreSQL, in ballots/s,
with every answer checked: 0 lost and 0 double votes.

Server: gunicorn with one sync worker per core, DEBUG off (cases_intake's `civicgrid_server`), on a
throwaway PostgreSQL database holding a small district (testing.build_tree), one community's base
data — HOUSEHOLDS households of two adults each, every adult with a resident account whose phone
is on their base-data record — and POLLS open polls of that community (one vote per household, a
single-choice, a multiple-choice and an opinion question each).

Clients: the two members of each household, each logged in through the login page, post the vote
form exactly as the browser does, poll after poll in the same order: the two members of a household
race for the same ballot on every poll, so half the requests must be answered "already voted"
(the unique constraint on the ballot's keyed voter hash, handled as a savepoint's IntegrityError).
A vote counts when the ballot row exists; afterwards every (household, poll) pair that was tried
must hold exactly one ballot (lost: none; double: more than one), and `check_poll_counts` must find
the cached tallies equal to a recount of the rows.

Baseline, same server, same clients, same run: GET of the health endpoint, in requests/s.
"""

import base64
import os
import random
import statistics
import time
from datetime import timedelta
from urllib.parse import urlencode

from bench.cases_intake import civicgrid_server, logged_in
from bench.common import Result, benchmark, collect_static, percentile, setup_django
from bench.httpclient import WARM_UP, Browser, drive

SEED = 2026
DURATION, QUICK_DURATION = 30.0, 6.0
HOUSEHOLDS = 4
POLLS, QUICK_POLLS = 4000, 800
PASSWORD = "Bench@2026vote"
TARGET = "≥ 50 ballots/s on one 2-core server, 0 lost, 0 double (a community's poll of 3,000 households in a week is < 0.01/s)"


def _world(polls_count):
    """The community, its voters' accounts (pairs per household) and the open polls."""
    from django.contrib.auth.hashers import make_password

    from civicgrid.accounts.actions import grant_role
    from civicgrid.accounts.models import Role, User
    from civicgrid.consult.models import Option, Poll, PollStatus, Question
    from civicgrid.core import clock
    from civicgrid.people.testing import add_person, make_building, make_id_number
    from civicgrid.testing import build_tree, make_user

    tree = build_tree(fanout=2)
    community = tree["S1C1"]
    staff = make_user("bench_community", Role.COMMUNITY_STAFF, community)
    building = make_building(tree["S1C1G1M1"], code="BV", floors=HOUSEHOLDS, per_floor=1)
    hashed = make_password(PASSWORD)
    voters = []
    for h, house in enumerate(building.houses.order_by("pk")[:HOUSEHOLDS]):
        for member in range(2):
            phone = f"1370{h:03d}{member:04d}"
            add_person(
                staff,
                house,
                name=f"住户{h}-{member}",
                phone=phone,
                id_number=make_id_number(random.Random(h * 2 + member)),
            )
            user = User.objects.create(username=f"bench_voter_{h}_{member}", phone=phone, password=hashed)
            grant_role(user, Role.RESIDENT, region=community)
            voters.append((user.username, h))
    now = clock.now()
    polls = Poll.objects.bulk_create(
        [
            Poll(
                title=f"议题 {i}",
                community=community,
                region_code=community.code,
                status=PollStatus.OPEN,
                opens_at=now - timedelta(hours=1),
                closes_at=now + timedelta(days=7),
                created_by=staff,
            )
            for i in range(polls_count)
        ]
    )
    questions = Question.objects.bulk_create(
        [
            Question(
                poll=poll, seq=seq, kind=kind, text=text, min_choices=low, max_choices=high, required=kind != "text"
            )
            for poll in polls
            for seq, kind, text, low, high in (
                (1, "single", "是否同意？", 1, 1),
                (2, "multiple", "配套", 1, 2),
                (3, "text", "意见", 0, 0),
            )
        ]
    )
    Option.objects.bulk_create(
        [
            Option(question=question, seq=seq, text=text)
            for question in questions
            if question.kind != "text"
            for seq, text in enumerate(["同意", "不同意", "无所谓"], start=1)
        ]
    )
    forms = []
    options = {}
    for option in Option.objects.select_related("question").order_by("pk"):
        options.setdefault(option.question.poll_id, {}).setdefault(option.question_id, []).append(option.pk)
    text_questions = dict(Question.objects.filter(kind="text").values_list("poll_id", "pk"))
    for poll in polls:
        fields = []
        for question_id, option_ids in sorted(options[poll.pk].items()):
            fields.append((f"q{question_id}", option_ids[0]))
        fields.append((f"q{text_questions[poll.pk]}", "建议尽快实施。"))
        forms.append((poll.pk, fields))
    return voters, forms


def _run(name, quick):
    # Base data's keys (the phone's keyed hash): the server process inherits them.
    for key in ("PEOPLE_DATA_KEY", "PEOPLE_HASH_KEY"):
        os.environ.setdefault(key, base64.urlsafe_b64encode(os.urandom(32)).decode())
    db = setup_django("community_vote", "postgres")
    collect_static()
    from django.core.management import call_command
    from django.db import transaction
    from django.db.models import Count

    from civicgrid.consult.models import Ballot

    duration = QUICK_DURATION if quick else DURATION
    with transaction.atomic():
        voters, forms = _world(QUICK_POLLS if quick else POLLS)
    workers = os.cpu_count() or 2

    with civicgrid_server("postgres") as (port, _server):
        health_clients = [Browser(port) for _ in voters]

        def health(client, index, n):
            status, _headers, _body = client.request("GET", "/health/")
            assert status == 200, status

        health_latencies, _ = drive(health_clients, duration, health)
        browsers = logged_in(port, [username for username, _h in voters], PASSWORD)
        tried = set()

        def vote(client, index, n):
            poll, fields = forms[n % len(forms)]
            household = voters[index][1]
            body = urlencode([("csrfmiddlewaretoken", client.cookies["csrftoken"]), *fields])
            status, headers, _content = client.request(
                "POST",
                f"/consult/{poll}/vote/",
                body,
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Referer": f"http://127.0.0.1:{port}/consult/{poll}/",
                },
            )
            assert status == 302 and headers.get("Location") == f"/consult/{poll}/", f"vote answered {status}"
            tried.add((poll, household))
            return poll

        started = time.time()
        latencies, _results = drive(browsers, duration, vote)
        elapsed = time.time() - started

    ballots = Ballot.objects.count()
    per_key = Ballot.objects.values("poll", "voter_key").annotate(n=Count("pk"))
    double = sum(row["n"] - 1 for row in per_key if row["n"] > 1)
    polls_with_ballots = Ballot.objects.values("poll").annotate(n=Count("pk"))
    households_per_poll = {row["poll"]: row["n"] for row in polls_with_ballots}
    tried_per_poll = {}
    for poll, _household in tried:
        tried_per_poll[poll] = tried_per_poll.get(poll, 0) + 1
    lost = sum(max(0, count - households_per_poll.get(poll, 0)) for poll, count in tried_per_poll.items())
    try:
        call_command("check_poll_counts", stdout=open(os.devnull, "w"))  # noqa: SIM115
        recount = "equal"
    except SystemExit:
        recount = "DIFFERENT"
    assert lost == 0 and double == 0 and recount == "equal", (lost, double, recount)
    # Ballots counted per second over the whole driven time (warm-up included, as the rows are).
    rate = ballots / elapsed
    health_rate = len(health_latencies) / duration
    return Result(
        name=name,
        value=rate,
        unit="ballots/s",
        better="higher",
        baseline_name="GET /health/ through the same server (requests/s)",
        baseline_value=health_rate,
        target=TARGET,
        dataset=(
            f"testing.build_tree district; {HOUSEHOLDS} households × 2 adult voters racing on "
            f"{len(forms):,} open household polls (3 questions each); {len(voters)} clients × {duration:.0f} s "
            f"after {WARM_UP:.0f} s warm-up; gunicorn {workers} sync workers{' (quick run)' if quick else ''}"
        ),
        db=db,
        details={
            "ballots counted": f"{ballots:,} in {elapsed:.1f} s",
            "vote requests": f"{len(latencies):,} counted after warm-up (about half answered 'already voted')",
            "lost votes": lost,
            "double votes": double,
            "check_poll_counts": recount,
            "vote latency": f"median {statistics.median(latencies):.0f} ms, p95 {percentile(latencies, 0.95):.0f} ms",
            "health latency": f"median {statistics.median(health_latencies):.1f} ms, "
            f"p95 {percentile(health_latencies, 0.95):.1f} ms",
        },
    )


@benchmark("community.vote_rps")
def vote_rps(quick=False):
    return _run("community.vote_rps", quick)
