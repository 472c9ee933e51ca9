"""Recompute every poll's tallies from its ballot and choice rows and compare them with the cached
counts (Poll.ballot_count, Option.votes). Exits 1 on any difference, listing each."""

import sys

from django.core.management.base import BaseCommand

from civicgrid.consult import selectors
from civicgrid.consult.models import Option, Poll


class Command(BaseCommand):
    help = "Recount every poll from its vote rows; exit 1 when a cached tally differs."

    def handle(self, *args, **options):
        differences = 0
        polls = 0
        for poll in Poll.objects.order_by("pk").iterator():
            polls += 1
            ballots, counted = selectors.tallies_from_rows(poll)
            if ballots != poll.ballot_count:
                differences += 1
                self.stdout.write(f"poll {poll.pk}: ballots cached {poll.ballot_count}, counted {ballots}")
            for pk, votes in Option.objects.filter(question__poll=poll).values_list("pk", "votes"):
                if counted.get(pk, 0) != votes:
                    differences += 1
                    self.stdout.write(f"poll {poll.pk} option {pk}: cached {votes}, counted {counted.get(pk, 0)}")
        self.stdout.write(f"{polls} polls checked, {differences} differences")
        if differences:
            sys.exit(1)
