from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from civicgrid.accounts.scopes import active_assignments


@login_required
def home(request):
    return render(request, "core/home.html", {"assignments": active_assignments(request.user)})


@never_cache
def health(request):
    """Liveness and database check for load balancers and benchmarks (no login, no session)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
