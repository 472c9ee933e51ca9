"""A net under Django's admin site for input its model forms cannot represent.

Django's admin builds its forms from GET parameters (initial values) and posts, and its
ModelChoiceFields look records up by whatever id they are given: an id longer than 64 bits makes
SQLite's driver raise OverflowError, a 5,000-digit one makes int() refuse it, a date where an id
belongs raises ValueError — all 500s in code the project does not own. Under /admin/ (superusers
only) those exceptions answer 400. The project's own views validate their input instead (the fuzz
test in civicgrid/core/tests/test_no_500.py holds them to it, without this net).
"""

import logging

from django.views.defaults import bad_request

logger = logging.getLogger("civicgrid.security")

CONVERSION_ERRORS = (
    "Exceeds the limit",  # int() of more than sys.get_int_max_str_digits() digits
    "expected a number but got",  # a model field's get_prep_value
    "invalid literal for int()",
)


class AdminBadInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not request.path.startswith("/admin/"):
            return None
        unrepresentable = isinstance(exception, OverflowError) or (
            isinstance(exception, ValueError) and any(text in str(exception) for text in CONVERSION_ERRORS)
        )
        if not unrepresentable:
            return None
        logger.warning("admin: bad input refused (%s) on %s", type(exception).__name__, request.path)
        return bad_request(request, exception)


class NulQueryMiddleware:
    """A NUL byte in a page's query string is never meaningful and PostgreSQL cannot even compare
    text with one: such a request is answered 400 before any view runs. The views still validate
    their parameters; this is the net under a page that forgot to (found again and again by the
    fuzz test on PostgreSQL). The API and Open311 answer in their own error formats themselves."""

    OWN_ERRORS = ("/api/", "/open311/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if (
            ("\x00" in query or "%00" in query)
            and not request.path.startswith(self.OWN_ERRORS)
            and any("\x00" in value for _key, values in request.GET.lists() for value in values)
        ):
            logger.warning("a NUL byte in the query string refused on %s", request.path)
            return bad_request(request, ValueError("NUL byte in the query string"))
        return self.get_response(request)
