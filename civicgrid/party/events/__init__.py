"""The events party building publishes (civicgrid.core.events), one module per part; ids and
figures only, never a member's details."""

from civicgrid.party.events.orders import *  # noqa: F403
from civicgrid.party.events.org import *  # noqa: F403
from civicgrid.party.events.projects import *  # noqa: F403
from civicgrid.party.events.ratings import *  # noqa: F403
from civicgrid.party.events.study import *  # noqa: F403
