"""Pagination for long, wide lists (case queues over a street's history)."""

from django.core.paginator import Page, Paginator


class DeferredJoinPaginator(Paginator):
    """Picks a page's ids first, from the ordered queryset without its joins (which an index can
    answer alone), then loads those rows with everything they select. The usual single query makes
    the database fetch and join every matching row before it sorts and keeps fifty."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.filter(pk__in=ids).order_by()}
        return Page([rows[pk] for pk in ids if pk in rows], number, self)
