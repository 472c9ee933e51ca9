"""Volunteering: residents' pages first (phone), then the staff's (under manage/, laptop)."""

from django.urls import path

from civicgrid.volunteers import views, views_staff

app_name = "volunteers"

urlpatterns = [
    path("", views.home, name="home"),
    path("register/", views.register, name="register"),
    path("shifts/<int:pk>/", views.shift, name="shift"),
    path("shifts/<int:pk>/sign-up/", views.shift_sign_up, name="shift_sign_up"),
    path("shifts/<int:pk>/cancel/", views.shift_cancel, name="shift_cancel"),
    path("wishes/", views.wall, name="wall"),
    path("wishes/new/", views.wish_new, name="wish_new"),
    path("wishes/<int:pk>/", views.wish, name="wish"),
    path("wishes/<int:pk>/photo/", views.wish_photo, name="wish_photo"),
    path("wishes/<int:pk>/<slug:step>/", views.wish_step, name="wish_step"),
    path("manage/", views_staff.volunteers, name="manage"),
    path("manage/volunteers/<int:pk>/", views_staff.volunteer, name="staff_volunteer"),
    path("manage/teams/", views_staff.teams, name="teams"),
    path("manage/teams/<int:pk>/", views_staff.team, name="team"),
    path("manage/projects/", views_staff.projects, name="projects"),
    path("manage/projects/<int:pk>/", views_staff.project, name="project"),
    path("manage/shifts/<int:pk>/", views_staff.roster, name="roster"),
    path("manage/attendance/<int:pk>/<slug:step>/", views_staff.attendance, name="attendance"),
    path("manage/wishes/", views_staff.wishes, name="staff_wishes"),
    path("manage/wishes/<int:pk>/", views_staff.wish, name="staff_wish"),
]
