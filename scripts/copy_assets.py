"""Copy the front-end files the pages use from node_modules into civicgrid/static/vendor.

Run by `make assets` after `npm ci`; the copies are git-ignored, so no third-party code is committed
and nothing is ever loaded from a CDN.
"""

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
VENDOR = ROOT / "civicgrid" / "static" / "vendor"

FILES = {
    "bootstrap/dist/css/bootstrap.min.css": "bootstrap/bootstrap.min.css",
    "bootstrap/dist/js/bootstrap.bundle.min.js": "bootstrap/bootstrap.bundle.min.js",
    "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
    "leaflet/dist/leaflet.js": "leaflet/leaflet.js",
    "leaflet/dist/leaflet.css": "leaflet/leaflet.css",
    "leaflet/dist/images": "leaflet/images",
    "echarts/dist/echarts.min.js": "echarts/echarts.min.js",
}


def main():
    for source, target in FILES.items():
        src, dst = NODE / source, VENDOR / target
        if not src.exists():
            raise SystemExit(f"missing {src}: run `npm ci` first")
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
            continue
        shutil.copy2(src, dst)
        # The minified files name their source maps; collectstatic's manifest insists they exist.
        source_map = src.with_name(src.name + ".map")
        if source_map.exists():
            shutil.copy2(source_map, dst.with_name(dst.name + ".map"))
    print(f"front-end assets copied to {VENDOR.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
