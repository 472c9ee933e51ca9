"""Party building (智慧党建): the home board, organisations and members, ratings, projects, study and
orders — each part's views module carries its own patterns."""

from civicgrid.party.views import orders, org, projects, ratings, study

app_name = "party"

urlpatterns = org.urlpatterns + ratings.urlpatterns + projects.urlpatterns + study.urlpatterns + orders.urlpatterns
