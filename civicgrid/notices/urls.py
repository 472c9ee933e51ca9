from django.urls import path

from civicgrid.notices import views

app_name = "notices"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("<int:pk>/", views.read, name="read"),
    path("files/<int:pk>/", views.file, name="file"),
    path("manage/", views.staff_list, name="staff_list"),
    path("manage/new/", views.NoticeEditView.as_view(), name="add"),
    path("manage/<int:pk>/", views.manage, name="manage"),
    path("manage/<int:pk>/edit/", views.NoticeEditView.as_view(), name="edit"),
    path("manage/<int:pk>/receipts/", views.receipts, name="receipts"),
    *[
        path(f"manage/<int:pk>/{action}/", views.act, {"action": action}, name=action)
        for action in ("publish", "approve", "return", "withdraw", "pin", "unpin", "remind")
    ],
]
