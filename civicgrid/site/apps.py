from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "civicgrid.site"
    label = "civicgrid_site"
    verbose_name = "CivicGrid"
