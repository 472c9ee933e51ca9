"""Pagination for long, wide lists (case queues over a street's history)."""

from django.core.paginator import Paginator


class DeferredJoinPaginator(Paginator):
    """Picks a page's ids first, from the ordered queryset without its joins (which an index can
    answer alone), then loads those rows with everything they select. The usual single query makes
    the database fetch and join every matching row before it sorts and keeps fifty."""

    def page(self, number):
        page = super().page(number)  # its object_list is the page's slice, not yet evaluated
        ids = list(page.object_list.values_list("pk", flat=True))
        rows = {row.pk: row for row in self.object_list.filter(pk__in=ids).order_by()}
        page.object_list = [rows[pk] for pk in ids if pk in rows]
        return page
