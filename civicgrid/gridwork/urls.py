"""Grid work: patrols (the worker's phone page and its JSON endpoints, the supervisor's map), visits,
door-to-door tasks (workers' forms, staff under tasks/manage/)."""

from django.urls import path

from civicgrid.gridwork.views import patrols, places, tasks, visits

app_name = "gridwork"

urlpatterns = [
    path("patrol/", patrols.patrol, name="patrol"),
    path("patrol/start/", patrols.patrol_start, name="patrol_start"),
    path("patrols/<int:pk>/", patrols.patrol_detail, name="patrol_detail"),
    path("patrols/<int:pk>/points/", patrols.patrol_points, name="patrol_points"),
    path("patrols/<int:pk>/end/", patrols.patrol_end, name="patrol_end"),
    path("patrols/<int:pk>/checkin/", patrols.patrol_checkin, name="patrol_checkin"),
    path("patrols/<int:pk>/finding/", patrols.finding, name="finding"),
    path("supervise/", patrols.supervise, name="supervise"),
    path("supervise/live.json", patrols.supervise_data, name="supervise_data"),
    path("places/", places.key_places, name="key_places"),
    path("places/<int:pk>/switch/", places.switch, name="key_place_switch"),
    path("visits/", visits.visits, name="visits"),
    path("visits/house/<int:house_id>/", visits.visit_house_page, name="visit_house"),
    path("visits/plans/", visits.plans, name="plans"),
    path("tasks/", tasks.tasks, name="tasks"),
    path("tasks/<int:pk>/", tasks.task_targets, name="task_targets"),
    path("tasks/targets/<int:pk>/", tasks.target_form, name="target_form"),
    path("tasks/manage/", tasks.manage, name="manage"),
    path("tasks/manage/new/", tasks.task_new, name="task_new"),
    path("tasks/manage/<int:pk>/", tasks.task_progress, name="task_progress"),
    path("tasks/manage/<int:pk>/close/", tasks.task_close, name="task_close"),
    path("tasks/manage/<int:pk>/export/", tasks.task_export, name="task_export"),
]
