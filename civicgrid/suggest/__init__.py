"""Smart intake: category, routing and urgency suggested from a report's words (issue 16).

A plug-in of the case loop: it reads the cases app's public modules and reacts to its events; the
cases app never imports it."""
