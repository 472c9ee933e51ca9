app_name = "gridwork"

urlpatterns = []
