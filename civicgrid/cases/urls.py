from civicgrid.cases.urls_resident import urlpatterns as resident_urlpatterns
from civicgrid.cases.urls_staff import urlpatterns as staff_urlpatterns

app_name = "cases"
urlpatterns = resident_urlpatterns + staff_urlpatterns
