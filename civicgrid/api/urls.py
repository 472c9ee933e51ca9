"""/api/v1/: built from a list of modules, each exposing `register(router)`.

A module is imported only when its app is installed, so a deployment (or a branch) without an app
simply has no endpoints for it. Apps add their module here (e.g. civicgrid.people.api).
"""

from importlib import import_module

from django.apps import apps
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from civicgrid.api.docs import OfflineRedocView, OfflineSwaggerView, redoc_bundle
from civicgrid.api.exceptions import not_found
from civicgrid.api.v1.auth import MeView, TokenView

app_name = "api"

# (app that must be installed, module with register(router))
V1_MODULES = [
    ("civicgrid.regions", "civicgrid.api.v1.regions"),
    # before categories: its detail route (categories/<pk>/) would take categories/suggest/
    ("civicgrid.suggest", "civicgrid.api.v1.suggest"),
    ("civicgrid.cases", "civicgrid.api.v1.categories"),
    ("civicgrid.cases", "civicgrid.api.v1.cases"),
    ("civicgrid.notifications", "civicgrid.api.v1.notifications"),
    ("civicgrid.people", "civicgrid.people.api"),
]


class Router(DefaultRouter):
    include_format_suffixes = False


def build_router(modules=V1_MODULES):
    router = Router()
    for app, module in modules:
        if apps.is_installed(app):
            import_module(module).register(router)
    return router


v1_patterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("me/", MeView.as_view(), name="me"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", OfflineSwaggerView.as_view(url_name="api:v1:schema"), name="docs"),
    path("redoc/", OfflineRedocView.as_view(url_name="api:v1:schema"), name="redoc"),
    path("redoc/redoc.standalone.js", redoc_bundle, name="redoc-bundle"),
    path("", include(build_router().urls)),
]

urlpatterns = [
    path("v1/", include((v1_patterns, "v1"))),
    re_path(r"^.*$", not_found),
]
