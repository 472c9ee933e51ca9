app_name = "compounds"

urlpatterns = []
