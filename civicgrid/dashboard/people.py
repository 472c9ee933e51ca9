"""The base-data (people) app seen from the dashboard: population and special groups for the
screen, and the elderly living alone for the "not visited" warning.

The population panel counts a million persons for a district viewer; residents move in and out
slowly, so a screen refreshing every 30 s reads a count at most POPULATION_CACHE_SECONDS old
(from the shared cache) instead of recounting each time. The cache key is the region and where the
viewer is cleared for which tags (policy.clearance_fingerprint): everyone allowed to open a
region's screen sees all of its people, and only the special groups differ by clearance.
"""

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from civicgrid.people import selectors
from civicgrid.people.policy import clearance_fingerprint
from civicgrid.people.protection import mask_name

__all__ = ["CARE_LABEL", "elderly_alone_not_visited", "mask_name", "population_summary"]

# What a shared screen calls a person of a special group instead of naming the group (a wall screen is
# seen by everyone in the room, whatever the clearance of the one who opened it).
CARE_LABEL = _("重点关爱对象")

POPULATION_CACHE_SECONDS = 60


def population_summary(user, region):
    key = f"dashboard:population:{region.code}:{clearance_fingerprint(user)}"
    summary = cache.get(key)
    if summary is None:
        summary = selectors.population_summary(user, region)
        cache.set(key, summary, POPULATION_CACHE_SECONDS)
    return summary


def elderly_alone_not_visited(region, days):
    return selectors.elderly_alone_not_visited(region, days)
