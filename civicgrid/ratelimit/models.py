from django.db import models


class Counter(models.Model):
    """One rate-limit window in the embedded default (no Redis): how many hits `key` has had since
    the window opened, and when it closes (epoch milliseconds). Written only by
    civicgrid.ratelimit.store with one atomic INSERT … ON CONFLICT DO UPDATE per hit."""

    key = models.CharField(max_length=200, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.BigIntegerField(db_index=True)

    class Meta:
        db_table = "ratelimit_counter"

    def __str__(self):
        return f"{self.key}: {self.count}"
