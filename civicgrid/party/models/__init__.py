from civicgrid.party.models.files import *  # noqa: F403
from civicgrid.party.models.orders import *  # noqa: F403
from civicgrid.party.models.org import *  # noqa: F403
from civicgrid.party.models.projects import *  # noqa: F403
from civicgrid.party.models.ratings import *  # noqa: F403
from civicgrid.party.models.study import *  # noqa: F403
