from django.urls import path

from civicgrid.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/read/", views.mark_read, name="mark_read"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
    path("badge/", views.unread_badge, name="badge"),
    path("preferences/", views.preferences, name="preferences"),
]
