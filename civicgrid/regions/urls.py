from django.urls import path, register_converter

from civicgrid.regions import views


class RegionCodeConverter:
    """A region code: 6 (district) to 24 digits, so that "map/" and "geojson/" never match it."""

    regex = "[0-9]{6,24}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(RegionCodeConverter, "region_code")

app_name = "regions"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("map/", views.map_page, name="map"),
    path("geojson/", views.geojson, name="geojson"),
    path("<region_code:code>/", views.detail, name="detail"),
    path("<region_code:code>/children/", views.children, name="children"),
]
