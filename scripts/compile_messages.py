"""Compile every committed .po catalogue to .mo with polib, so set-up needs no GNU gettext."""

from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def main():
    count = 0
    for po_path in ROOT.glob("civicgrid/**/locale/*/LC_MESSAGES/*.po"):
        polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
        count += 1
    print(f"compiled {count} message catalogue(s)")


if __name__ == "__main__":
    main()
