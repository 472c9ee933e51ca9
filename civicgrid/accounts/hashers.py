"""Password hashing: Argon2id at OWASP's minimum (19 MiB of memory, 2 passes, 1 lane), so a login
costs ~20 ms of CPU instead of Django's default ~160 ms (100 MiB, 8 lanes) — a district with
hundreds of people signing in at 8 a.m. must not queue behind the hashes.

The parameters come from settings (PASSWORD_ARGON2_MEMORY_KIB, _TIME_COST, _PARALLELISM) and never go
below OWASP's minimum. A hash made with other parameters (Django's default, an older setting) is
rewritten with these at the person's next successful login (Django calls `must_update`).

`python manage.py password_hash_cost` measures what one hash costs on this machine.
"""

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher

# OWASP Password Storage Cheat Sheet: m = 19 MiB, t = 2, p = 1 is the least acceptable Argon2id setting.
OWASP_MEMORY_KIB = 19 * 1024
OWASP_TIME_COST = 2
OWASP_PARALLELISM = 1


class CivicGridArgon2PasswordHasher(Argon2PasswordHasher):
    """Django's Argon2 hasher (same algorithm name, so existing hashes verify) with tuned costs."""

    @property
    def memory_cost(self):
        return max(int(getattr(settings, "PASSWORD_ARGON2_MEMORY_KIB", OWASP_MEMORY_KIB)), OWASP_MEMORY_KIB)

    @property
    def time_cost(self):
        return max(int(getattr(settings, "PASSWORD_ARGON2_TIME_COST", OWASP_TIME_COST)), OWASP_TIME_COST)

    @property
    def parallelism(self):
        return max(int(getattr(settings, "PASSWORD_ARGON2_PARALLELISM", OWASP_PARALLELISM)), OWASP_PARALLELISM)
