"""Activities: residents' pages first, then the organisers' (under manage/)."""

from django.urls import path

from civicgrid.activities import views

app_name = "activities"

urlpatterns = [
    path("", views.resident_list, name="list"),
    path("mine/", views.mine, name="mine"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/sign-up/", views.sign_up, name="sign_up"),
    path("<int:pk>/cancel-sign-up/", views.cancel_sign_up, name="cancel_sign_up"),
    path("<int:pk>/code/", views.enter_code, name="enter_code"),
    path("checkin/<str:token>/", views.checkin, name="checkin"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("photos/<int:pk>/thumb/", views.photo, {"variant": "thumb"}, name="photo_thumb"),
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.ActivityEditView.as_view(), name="create"),
    path("manage/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("manage/<int:pk>/edit/", views.ActivityEditView.as_view(), name="edit"),
    path("manage/<int:pk>/publish/", views.publish, name="publish"),
    path("manage/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("manage/<int:pk>/finish/", views.finish, name="finish"),
    path("manage/<int:pk>/summary/", views.summary, name="summary"),
    path("manage/<int:pk>/venue/", views.venue, name="venue"),
]
