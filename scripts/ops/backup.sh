#!/usr/bin/env bash
# Back up a CivicGrid district: the PostgreSQL database (pg_dump custom format) and the case
# attachments folder, into BACKUP_DIR/<timestamp>/. Run nightly from a systemd timer (see
# docs/deployment.md); keeps the newest KEEP backups (default 14).
#
#   DATABASE_URL=postgres://civicgrid@127.0.0.1/civicgrid BACKUP_DIR=/srv/backups scripts/ops/backup.sh
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL to the district database}"
BACKUP_DIR="${BACKUP_DIR:-/srv/civicgrid/backups}"
ATTACHMENTS="${CASES_ATTACHMENT_ROOT:-var/attachments}"
KEEP="${KEEP:-14}"

stamp=$(date +%Y%m%d-%H%M%S)
target="$BACKUP_DIR/$stamp"
mkdir -p "$target"
# --no-owner: the dump restores into any role's database (a test restore, a new server).
pg_dump --format=custom --no-owner --file="$target/database.dump" "$DATABASE_URL"
if [ -d "$ATTACHMENTS" ]; then
  tar --create --gzip --file="$target/attachments.tar.gz" --directory="$ATTACHMENTS" .
fi
(cd "$target" && sha256sum ./* > SHA256SUMS)
echo "$target"

# Keep the newest $KEEP backups.
ls -1d "$BACKUP_DIR"/*/ 2>/dev/null | sort | head -n -"$KEEP" | xargs -r rm -rf
