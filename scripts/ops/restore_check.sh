#!/usr/bin/env bash
# Prove a backup restores: load BACKUP (a folder written by backup.sh) into a scratch database on
# the same server, compare the row counts of the tables that matter with the live database, verify
# every case's event hash chain in the restored copy, and drop it. Exit status 0 = restorable.
#
#   DATABASE_URL=postgres://civicgrid@127.0.0.1/civicgrid scripts/ops/restore_check.sh /srv/backups/20261201-020000
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL to the live database}"
backup="${1:?usage: restore_check.sh BACKUP_FOLDER}"
here="$(cd "$(dirname "$0")/../.." && pwd)"
python="${PYTHON:-$here/.venv/bin/python}"

(cd "$backup" && sha256sum --check --quiet SHA256SUMS)
server="${DATABASE_URL%/*}"
scratch="civicgrid_restore_check_$$"
psql "$server/postgres" -qc "CREATE DATABASE $scratch"
trap 'psql "$server/postgres" -qc "DROP DATABASE IF EXISTS $scratch WITH (FORCE)"' EXIT
pg_restore --no-owner --exit-on-error --dbname="$server/$scratch" "$backup/database.dump"

tables="regions_region accounts_user accounts_roleassignment cases_case cases_caseevent cases_attachment"
for table in $tables; do
  restored=$(psql "$server/$scratch" -Atc "SELECT count(*) FROM $table")
  echo "$table: $restored rows restored"
  # The live database may have grown since the dump; it must never hold fewer rows.
  live=$(psql "$DATABASE_URL" -Atc "SELECT count(*) FROM $table")
  if [ "$restored" -gt "$live" ]; then
    echo "restored $table has more rows ($restored) than the live database ($live)" >&2
    exit 1
  fi
done
DATABASE_URL="$server/$scratch" "$python" "$here/manage.py" verify_case_chain
echo "backup $backup restores and verifies"
