"""Property: residents' pages (phone), property staff's task pages (phone), fees and ratings."""

from django.urls import path

from civicgrid.property import views

app_name = "property"

urlpatterns = [
    path("", views.home, name="home"),
    path("repairs/new/", views.repair_new, name="repair_new"),
    path("repairs/<int:pk>/", views.repair, name="repair"),
    path("repairs/<int:pk>/take/", views.take, name="take"),
    path("repairs/<int:pk>/feedback/", views.feedback, name="feedback"),
    path("repairs/<int:pk>/rate/", views.rate, name="rate"),
    path("tasks/", views.tasks, name="tasks"),
    path("survey/", views.survey, name="survey"),
    path("board/", views.board, name="board"),
    path("fees/", views.fees, name="fees"),
    path("fees/import/", views.fee_import, name="fee_import"),
    path("fees/template/", views.fee_template, name="fee_template"),
    path("fees/<int:pk>/status/", views.bill_status, name="bill_status"),
    path("ratings/", views.ratings, name="ratings"),
    path("ratings/<int:pk>/", views.rating, name="rating"),
    path("ratings/<int:pk>/publish/", views.publish, name="publish"),
]
