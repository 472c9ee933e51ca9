"""URLs of 议事协商 (namespace "consult"): the resident's pages, the organiser's poll pages under
staff/, and round-table meetings under meetings/."""

from django.urls import path

from civicgrid.consult.views import meetings, polls, resident

app_name = "consult"

urlpatterns = [
    path("", resident.polls, name="polls"),
    path("mine/", resident.mine, name="mine"),
    path("<int:pk>/", resident.poll, name="poll"),
    path("<int:pk>/vote/", resident.vote, name="vote"),
    path("staff/", polls.poll_list, name="poll_list"),
    path("staff/new/", polls.poll_edit, name="poll_new"),
    path("staff/<int:pk>/", polls.poll_manage, name="poll_manage"),
    path("staff/<int:pk>/edit/", polls.poll_edit, name="poll_edit"),
    path("staff/<int:pk>/open/", polls.poll_open, name="poll_open"),
    path("staff/<int:pk>/close/", polls.poll_close, name="poll_close"),
    path("staff/<int:pk>/publish/", polls.poll_publish, name="poll_publish"),
    path("staff/<int:pk>/case/", polls.poll_to_case, name="poll_to_case"),
    path("staff/<int:pk>/export/", polls.poll_export, name="poll_export"),
    path("staff/<int:pk>/opinions/<int:opinion>/reply/", polls.opinion_reply, name="opinion_reply"),
    path("meetings/", meetings.meeting_list, name="meetings"),
    path("meetings/new/", meetings.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", meetings.meeting, name="meeting"),
    path("meetings/<int:pk>/participants/", meetings.meeting_participant, name="meeting_participant"),
    path("meetings/<int:pk>/agenda/", meetings.meeting_agenda, name="meeting_agenda"),
    path("meetings/<int:pk>/minutes/", meetings.meeting_minutes, name="meeting_minutes"),
    path("meetings/<int:pk>/decisions/", meetings.meeting_decision, name="meeting_decision"),
    path("meetings/<int:pk>/decisions/<int:decision>/close/", meetings.decision_close, name="decision_close"),
]
