#!/usr/bin/env python
"""manage.py of the benchmark's django-helpdesk site (run with bench/out/helpdesk-venv/bin/python)."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk_site.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
