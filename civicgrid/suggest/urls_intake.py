from django.urls import path

from civicgrid.suggest import views_intake

app_name = "intake"

urlpatterns = [
    path("cases/<str:number>/route/", views_intake.route, name="route"),
    path("accuracy/", views_intake.accuracy_page, name="accuracy"),
]
