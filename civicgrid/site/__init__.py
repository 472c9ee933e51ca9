"""The site's own wiring: the commands that span every app (seed_demo, demo_logins, run_scheduler).

Like settings and urls, this floor may import any app; no app imports it (docs/architecture.md)."""
