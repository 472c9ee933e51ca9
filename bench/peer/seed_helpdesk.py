"""Fill the benchmark's django-helpdesk database: one queue, staff accounts for the clients, and
TOTAL tickets of which OPEN are open, each with the follow-up its web form would have written.

Run with the helpdesk virtualenv's Python from bench/peer/:
    python seed_helpdesk.py TOTAL OPEN STAFF PASSWORD
Rows are bulk-inserted (as CivicGrid's own 100,000 cases are), so both sides start equal.
"""

import os
import random
import sys
from datetime import timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk_site.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from helpdesk.models import FollowUp, Queue, Ticket  # noqa: E402

DESCRIPTIONS = [
    "小区门口垃圾堆放多日无人清理，气味很大。",
    "路灯不亮，晚上出行很不方便。",
    "楼道堆放杂物，纸箱旧家具挡住了通道。",
    "早市占道经营，堵住了一半车道。",
]


def main(total, open_count, staff, password):
    rng = random.Random(2026)
    now = timezone.now()
    User = get_user_model()
    hashed = make_password(password)
    with transaction.atomic():
        queue = Queue.objects.create(title="二七区", slug="erqi", allow_public_submission=True)
        # One by one: helpdesk creates each user's settings row when a user is saved.
        users = [
            User.objects.create(username=f"agent{i}", password=hashed, is_staff=True, email=f"agent{i}@example.org")
            for i in range(staff)
        ]
        statuses = [Ticket.OPEN_STATUS] * open_count + [Ticket.CLOSED_STATUS] * (total - open_count)
        rng.shuffle(statuses)
        for start in range(0, total, 10_000):
            tickets = []
            for status in statuses[start : start + 10_000]:
                created = now - timedelta(days=rng.uniform(0, 20 if status == Ticket.OPEN_STATUS else 365))
                text = rng.choice(DESCRIPTIONS)
                tickets.append(
                    Ticket(
                        title=text[:20],
                        queue=queue,
                        created=created,
                        modified=created,
                        submitter_email="resident@example.org",
                        assigned_to=rng.choice(users),
                        status=status,
                        description=text,
                        priority=3,
                    )
                )
            Ticket.objects.bulk_create(tickets, batch_size=2000)
            FollowUp.objects.bulk_create(
                [
                    FollowUp(ticket=t, date=t.created, title="Ticket Opened", comment=t.description, public=True)
                    for t in tickets
                ],
                batch_size=2000,
            )
    print(f"helpdesk: {total} tickets ({open_count} open), {staff} staff")


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
