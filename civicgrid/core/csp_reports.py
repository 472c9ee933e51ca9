"""Where browsers report Content-Security-Policy violations (the policy's report-uri).

Anyone can post here (a browser sends reports without cookies or CSRF token), so the view reads
at most MAX_BYTES, never fails, and only logs a short summary of each report: the logs are where
an administrator sees a blocked script (an attempted XSS) or a page that broke under the policy.
"""

import json
import logging

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

logger = logging.getLogger("civicgrid.security.csp")

MAX_BYTES = 16 * 1024
FIELDS = ("document-uri", "violated-directive", "effective-directive", "blocked-uri", "source-file", "line-number")
FIELD_LENGTH = 300
# The Reporting API's names for the same fields (application/reports+json).
REPORTING_API_NAMES = {
    "documentURL": "document-uri",
    "effectiveDirective": "effective-directive",
    "blockedURL": "blocked-uri",
    "sourceFile": "source-file",
    "lineNumber": "line-number",
}


def _reports(body):
    """The violation reports in a body of either format (report-uri's or the Reporting API's)."""
    data = json.loads(body)
    if isinstance(data, dict) and isinstance(data.get("csp-report"), dict):
        return [data["csp-report"]]
    if isinstance(data, list):  # application/reports+json: [{"type": "csp-violation", "body": {…}}]
        return [
            {REPORTING_API_NAMES[key]: value for key, value in r["body"].items() if key in REPORTING_API_NAMES}
            for r in data
            if isinstance(r, dict) and isinstance(r.get("body"), dict)
        ]
    return []


def _summary(report):
    return {key: str(report.get(key, ""))[:FIELD_LENGTH] for key in FIELDS if key in report}


@csrf_exempt
@require_POST
def csp_report(request):
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BYTES:
        logger.warning("CSP report refused: %s bytes", length)
        return HttpResponse(status=413)
    body = request.read(MAX_BYTES + 1)
    if len(body) > MAX_BYTES:
        return HttpResponse(status=413)
    try:
        reports = _reports(body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, AttributeError, TypeError, RecursionError):
        logger.info("CSP report unreadable (%s bytes)", len(body))
        return HttpResponse(status=400)
    for report in reports[:20]:
        if isinstance(report, dict):
            logger.warning("CSP violation %s", json.dumps(_summary(report), ensure_ascii=False))
    return HttpResponse(status=204)
