"""Demo data: the published demo resident finds a welcome message on the home screen (the other apps
seed their own tiles' content)."""

from civicgrid.accounts.models import User
from civicgrid.resident import actions

DEMO_RESIDENT = "jumin"


def seed_demo(run):
    users = list(User.objects.filter(username=DEMO_RESIDENT, is_active=True))
    actions.welcome(users)
    return f"resident: welcome message for {len(users)} demo resident(s)"
