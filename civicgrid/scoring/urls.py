"""Scoring: the grid worker's own page first, then the staff's rankings and the rules."""

from django.urls import path

from civicgrid.scoring import views

app_name = "scoring"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("ranking/", views.ranking, name="ranking"),
    path("gold/", views.gold, name="gold"),
    path("workload/", views.workload, name="workload"),
    path("workers/<int:pk>/", views.worker, name="worker"),
    path("departments/", views.departments, name="departments"),
    path("departments/<int:pk>/", views.department, name="department"),
    path("rules/", views.rules, name="rules"),
    path("rules/medal/", views.medal_rule, name="medal_rule"),
]
