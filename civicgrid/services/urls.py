from django.urls import path

from civicgrid.services import views, views_staff

app_name = "services"

urlpatterns = [
    # Residents (phone)
    path("", views.home, name="home"),
    path("guide/<int:pk>/", views.link, name="link"),
    path("nearby/", views.nearby, name="nearby"),
    path("craftsmen/", views.craftsmen, name="craftsmen"),
    path("craftsmen/<int:pk>/", views.craftsman, name="craftsman"),
    path("orders/", views.my_orders, name="my_orders"),
    path("orders/<int:pk>/", views.my_order, name="my_order"),
    path("orders/<int:pk>/cancel/", views.order_cancel, name="order_cancel"),
    path("orders/<int:pk>/rate/", views.order_rate, name="order_rate"),
    # The craftsman linked to the signed-in account (phone)
    path("jobs/", views.jobs, name="jobs"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("jobs/<int:pk>/<slug:step>/", views.job_step, name="job_step"),
    # Staff (laptop)
    path("manage/links/", views_staff.links, name="manage_links"),
    path("manage/links/new/", views_staff.LinkEditView.as_view(), name="link_add"),
    path("manage/links/<int:pk>/", views_staff.LinkEditView.as_view(), name="link_edit"),
    path("manage/craftsmen/", views_staff.manage_craftsmen, name="manage_craftsmen"),
    path("manage/craftsmen/new/", views_staff.CraftsmanEditView.as_view(), name="craftsman_add"),
    path("manage/craftsmen/<int:pk>/", views_staff.CraftsmanEditView.as_view(), name="craftsman_edit"),
    path("manage/craftsmen/<int:pk>/status/", views_staff.craftsman_status, name="craftsman_status"),
    path("manage/orders/", views_staff.manage_orders, name="manage_orders"),
]
