from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("CivicGrid 系统管理")
admin.site.site_title = _("CivicGrid 系统管理")

urlpatterns = [
    path("", include("civicgrid.site.urls")),
    path("", include("civicgrid.core.urls")),
    path("", include("civicgrid.resident.urls_pwa")),  # /manifest.webmanifest, /sw.js, /offline/
    path("resident/", include("civicgrid.resident.urls")),
    path("accounts/", include("civicgrid.accounts.urls")),
    path("regions/", include("civicgrid.regions.urls")),
    path("cases/", include("civicgrid.cases.urls")),
    path("notifications/", include("civicgrid.notifications.urls")),
    path("people/", include("civicgrid.people.urls")),
    path("dashboard/", include("civicgrid.dashboard.urls")),
    path("intake/", include("civicgrid.suggest.urls_intake")),
    path("activities/", include("civicgrid.activities.urls")),
    path("notices/", include("civicgrid.notices.urls")),
    path("consult/", include("civicgrid.consult.urls")),
    path("services/", include("civicgrid.services.urls")),
    path("property/", include("civicgrid.property.urls")),
    path("compounds/", include("civicgrid.compounds.urls")),
    path("volunteers/", include("civicgrid.volunteers.urls")),
    path("points/", include("civicgrid.points.urls")),
    path("party/", include("civicgrid.party.urls")),
    path("gridwork/", include("civicgrid.gridwork.urls")),
    path("scoring/", include("civicgrid.scoring.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("civicgrid.api.urls")),
    path("open311/v2/", include("civicgrid.api.open311.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
