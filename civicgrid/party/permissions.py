"""Party building's part of the policy table (civicgrid.accounts.roles): no account role is granted
anything here. System admins (who hold every permission but the clearances) keep the organisation
tree and its posts in their region scope; everything else is held by posts in an organisation
(civicgrid.party.policy), and membership by party-affairs posts only — never by an admin."""

from civicgrid.accounts.roles import Permissions

PERMISSIONS = Permissions("party", grants={}, order=95)
