"""Recompute every account's balances from its entries and compare with the balances kept on the
row; print each difference and exit 1 when there is any (0 when the ledger is exact)."""

import sys

from django.core.management.base import BaseCommand
from django.db.models import Q, Sum

from civicgrid.points.models import BALANCE_FIELD, Account, Entry


class Command(BaseCommand):
    help = "Recompute points balances from the ledger entries; exit 1 on any difference."

    def handle(self, *args, **options):
        sums = {
            row["account_id"]: row
            for row in Entry.objects.values("account_id").annotate(
                **{field: Sum("amount", filter=Q(kind=kind)) for kind, field in BALANCE_FIELD.items()}
            )
        }
        checked = differences = 0
        fields = list(BALANCE_FIELD.values())
        for account in Account.objects.only("pk", "owner_kind", "owner_id", *fields).iterator(chunk_size=2000):
            checked += 1
            row = sums.get(account.pk, {})
            for field in fields:
                kept, computed = getattr(account, field), row.get(field) or 0
                if kept != computed:
                    differences += 1
                    self.stdout.write(
                        f"account {account.pk} ({account.owner_kind}:{account.owner_id}) {field}: "
                        f"kept {kept}, entries sum to {computed}"
                    )
        orphans = Entry.objects.exclude(account_id__in=Account.objects.values("pk")).count()
        self.stdout.write(f"{checked} accounts checked, {differences} differences")
        if differences or orphans:
            sys.exit(1)
