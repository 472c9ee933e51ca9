"""The services app's part of the policy table (civicgrid.accounts.roles).

- The directory of government services: every role reads it (the links kept at or above their
  place); street staff and system admins keep it for their subtree.
- Craftsmen: residents see those serving their community; community and street staff add, verify
  and suspend them in their subtree and see the orders placed there.
- A craftsman needs no role of their own: their linked user account opens the orders addressed to
  them (services.selectors.jobs_for), whatever roles the account holds.
"""

from civicgrid.accounts.models import Role
from civicgrid.accounts.roles import Permissions

READ = {"services.view_servicelink"}
CALL = READ | {"services.view_craftsman", "services.add_craftsmanorder"}
KEEP_CRAFTSMEN = READ | {"services.view_craftsman", "services.change_craftsman", "services.view_craftsmanorder"}
KEEP_LINKS = {"services.change_servicelink"}

PERMISSIONS = Permissions(
    "services",
    grants={
        Role.RESIDENT: CALL,
        Role.MICROGRID_MEMBER: READ,
        Role.GRID_WORKER: READ,
        Role.COMMUNITY_STAFF: KEEP_CRAFTSMEN,
        Role.STREET_STAFF: KEEP_CRAFTSMEN | KEEP_LINKS,
        Role.DEPARTMENT_STAFF: READ,
        Role.COMMAND_OPERATOR: READ,
    },
    order=70,
)
