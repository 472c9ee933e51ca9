"""The base-data (people) app seen from the dashboard: population and special groups for the
screen, and the elderly living alone for the "not visited" warning.

civicgrid.people is a separate app (issue 4); when it is not installed these return None: the
screen shows "基础数据未启用" and the elderly rule finds nothing.

Contract with civicgrid.people.selectors:
- population_summary(user, region) → {"persons", "households", "houses",
  "by_child": [{"region_id", "code", "name", "persons", "households"}],
  "special_groups": [{"code", "name", "count"}]}
- elderly_alone_not_visited(region, days) → Person queryset
"""

from django.apps import apps


def enabled():
    return apps.is_installed("civicgrid.people")


def population_summary(user, region):
    if not enabled():
        return None
    from civicgrid.people import selectors

    return selectors.population_summary(user, region)


def elderly_alone_not_visited(region, days):
    if not enabled():
        return None
    from civicgrid.people import selectors

    return selectors.elderly_alone_not_visited(region, days)
