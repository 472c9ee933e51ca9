from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from civicgrid.core import longjobs


@never_cache
def health(request):
    """Liveness and database check for load balancers and benchmarks (no login, no session)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


# --- Long jobs (civicgrid.core.longjobs): my jobs, one job's progress, its result -----------------


def _job(request, pk):
    job = longjobs.job_for(request.user, pk)
    if job is None:
        raise Http404
    return job


@login_required
@require_GET
def jobs(request):
    rows = [(job, longjobs.snapshot(job)) for job in longjobs.mine(request.user)]
    return render(request, "core/jobs.html", {"rows": rows})


@login_required
@require_GET
def job(request, pk):
    job = _job(request, pk)
    return render(request, "core/job.html", {"job": job, "state": longjobs.snapshot(job)})


@never_cache
@login_required
@require_GET
def job_status(request, pk):
    """What the progress bar polls (static/civicgrid/job-progress.js)."""
    return JsonResponse(longjobs.snapshot(_job(request, pk)))


@login_required
@require_GET
def job_result(request, pk):
    job = _job(request, pk)
    if not job.result_file:
        raise Http404
    try:
        handle = longjobs.storage().open(job.result_file, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=job.result_name or "result.xlsx")
    response["Cache-Control"] = "no-store"
    return response
