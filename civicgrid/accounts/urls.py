from django.urls import path

from civicgrid.accounts import account_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("logins/", views.RecentLoginsView.as_view(), name="logins"),
    # Residents' registration and password reset, and the community staff's review pages.
    path("register/", account_views.RegisterView.as_view(), name="register"),
    path("reset/", account_views.ResetRequestView.as_view(), name="reset"),
    path("reset/code/", account_views.ResetConfirmView.as_view(), name="reset_confirm"),
    path("registrations/", account_views.RegistrationsView.as_view(), name="registrations"),
    path(
        "registrations/<int:pk>/<str:decision>/",
        account_views.DecideView.as_view(),
        name="decide_registration",
    ),
    path("residents/", account_views.ResidentsView.as_view(), name="residents"),
    path("residents/<int:pk>/reset/", account_views.ResidentResetView.as_view(), name="reset_resident"),
]
