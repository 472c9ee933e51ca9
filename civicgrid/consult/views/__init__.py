"""Pages of 议事协商: `resident` (the phone: polls of my community, vote, results, my opinions),
`polls` (the organiser: create, open, close, publish, reply, export, turn into a case) and
`meetings` (round-table meetings, minutes and decisions). Views parse input and call actions or
selectors; NotFound answers 404."""
