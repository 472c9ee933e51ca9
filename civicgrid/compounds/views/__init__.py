"""Thin pages: staff (laptop) keep the compounds' ledgers and renovation projects; residents (phone)
see their own compound's public figures and the renovation fund ledger, and report problems of the
works. Out of scope answers 404 and changes nothing."""
