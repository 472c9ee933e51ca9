from django.urls import path

from civicgrid.compounds.views import resident, staff

app_name = "compounds"

urlpatterns = [
    # Staff (laptop)
    path("", staff.overview, name="list"),
    path("target/", staff.target, name="target"),
    path("<int:pk>/", staff.detail, name="detail"),
    path("<int:pk>/items/", staff.item_add, name="item_add"),
    path("items/<int:pk>/close/", staff.item_close, name="item_close"),
    path("<int:pk>/parties/", staff.party_add, name="party_add"),
    path("<int:pk>/rise/", staff.rise_request, name="rise_request"),
    path("rises/<int:pk>/review/", staff.rise_review, name="rise_review"),
    path("<int:pk>/renovation/new/", staff.project_new, name="project_new"),
    path("projects/<int:pk>/", staff.project, name="project"),
    path("projects/<int:pk>/edit/", staff.project_edit, name="project_edit"),
    path("projects/<int:pk>/members/", staff.member_add, name="member_add"),
    path("projects/<int:pk>/milestones/", staff.milestone_add, name="milestone_add"),
    path("milestones/<int:pk>/done/", staff.milestone_done, name="milestone_done"),
    path("projects/<int:pk>/files/", staff.file_add, name="file_add"),
    path("projects/<int:pk>/poll/", staff.poll_open, name="poll_open"),
    path("projects/<int:pk>/pledges/", staff.pledge_set, name="pledge_set"),
    path("pledges/<int:pk>/pay/", staff.payment, name="payment"),
    path("files/<int:pk>/", staff.project_file, name="file"),
    path("files/<int:pk>/thumb/", staff.project_file, {"variant": "thumb"}, name="file_thumb"),
    # Residents (phone)
    path("mine/", resident.mine, name="mine"),
    path("renovation/<int:pk>/", resident.fund, name="fund"),
    path("renovation/<int:pk>/report/", resident.supervise, name="supervise"),
]
