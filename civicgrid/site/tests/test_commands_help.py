"""Every project management command answers --help (argparse needs plain strings, not lazy ones)."""

import pytest
from django.core.management import get_commands, load_command_class

PROJECT_COMMANDS = sorted(name for name, app in get_commands().items() if app.startswith("civicgrid"))


def test_the_project_has_commands():
    assert "seed_demo" in PROJECT_COMMANDS and "import_boundaries" in PROJECT_COMMANDS


@pytest.mark.parametrize("name", PROJECT_COMMANDS)
def test_help(name, capsys):
    command = load_command_class(get_commands()[name], name)
    command.create_parser("manage.py", name).print_help()
    assert name in capsys.readouterr().out


def test_the_benchmarks_list_themselves():
    """`python -m bench --list` imports every benchmark module before Django is set up."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--list"], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "cases.intake_http" in result.stdout and "cases.queue_p95.postgres" in result.stdout
