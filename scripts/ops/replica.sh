#!/usr/bin/env bash
# A PostgreSQL streaming replica of the district database on this machine's loopback, for the read
# router (civicgrid.core.replica; docs/deployment.md "Read replica"): the CI test, a single-box
# district, a rehearsal before the replica moves to its own server.
#
#   scripts/ops/replica.sh start    # pg_basebackup -R of the primary, then pg_ctl start; waits until it answers
#   scripts/ops/replica.sh status   # running?, in recovery?, bytes and seconds behind the primary
#   scripts/ops/replica.sh stop     # pg_ctl stop -m fast (the data directory stays: `start` reuses it)
#   scripts/ops/replica.sh destroy  # stop, then remove the data directory
#
# Settings (environment): PRIMARY_HOST (127.0.0.1), PRIMARY_PORT (5432), PRIMARY_USER (postgres: a
# role with REPLICATION), REPLICA_PORT (5433), REPLICA_DIR (/tmp/civicgrid-replica-$REPLICA_PORT),
# PG_BIN (the server's bin folder; found from the primary's major version under /usr/lib/postgresql).
#
# What it may change on the primary: a base backup needs a `replication` line in the primary's
# pg_hba.conf (`all` does not cover replication connections). If replication from 127.0.0.1 is refused
# and the primary's hba file is writable here, the script appends ONE line
#   host replication <PRIMARY_USER> 127.0.0.1/32 trust   # civicgrid replica.sh
# (only once: it checks first) and runs SELECT pg_reload_conf() — a reload, never a restart. Anything
# else (a remote primary, a password, TLS) is the operator's: see docs/deployment.md.
# No replication slot is created, so a stopped or removed replica never holds WAL on the primary.
#
# Run as root, the server runs as the `postgres` system user (PostgreSQL refuses root); otherwise as
# the current user.
set -euo pipefail

PRIMARY_HOST="${PRIMARY_HOST:-127.0.0.1}"
PRIMARY_PORT="${PRIMARY_PORT:-5432}"
PRIMARY_USER="${PRIMARY_USER:-postgres}"
REPLICA_PORT="${REPLICA_PORT:-5433}"
REPLICA_DIR="${REPLICA_DIR:-/tmp/civicgrid-replica-$REPLICA_PORT}"
MARK="# civicgrid replica.sh"

say() { echo "replica.sh: $*" >&2; }
primary_sql() { psql -X -q -At -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U "$PRIMARY_USER" -d postgres -c "$1"; }
replica_sql() { psql -X -q -At -h 127.0.0.1 -p "$REPLICA_PORT" -U "$PRIMARY_USER" -d postgres -c "$1"; }

# The server runs as its data directory's owner: `postgres` when we are root.
if [ "$(id -u)" = 0 ]; then
  RUN_AS=(runuser -u postgres --)
else
  RUN_AS=()
fi
as_owner() { "${RUN_AS[@]}" "$@"; }

find_bin() {
  if [ -n "${PG_BIN:-}" ]; then return; fi
  local major
  major=$(( $(primary_sql "SHOW server_version_num") / 10000 ))
  PG_BIN="/usr/lib/postgresql/$major/bin"
  if [ ! -x "$PG_BIN/pg_ctl" ] && command -v pg_config >/dev/null; then PG_BIN="$(pg_config --bindir)"; fi
  [ -x "$PG_BIN/pg_ctl" ] || { say "no pg_ctl for PostgreSQL $major (set PG_BIN)"; exit 1; }
}

running() { [ -f "$REPLICA_DIR/postmaster.pid" ] && as_owner "$PG_BIN/pg_ctl" -D "$REPLICA_DIR" status >/dev/null 2>&1; }

replication_allowed() {
  psql -X -q -At "host=$PRIMARY_HOST port=$PRIMARY_PORT user=$PRIMARY_USER dbname=replication replication=true" \
    -c "IDENTIFY_SYSTEM" >/dev/null 2>&1
}

allow_replication() {
  replication_allowed && return
  local hba
  hba=$(primary_sql "SHOW hba_file")
  case "$PRIMARY_HOST" in 127.0.0.1 | localhost) ;; *)
    say "the primary at $PRIMARY_HOST refuses replication connections: add a replication line to its pg_hba.conf"
    exit 1 ;;
  esac
  if ! grep -qF "$MARK" "$hba" 2>/dev/null; then
    [ -w "$hba" ] || { say "$hba refuses replication from 127.0.0.1 and is not writable here"; exit 1; }
    printf 'host replication %s 127.0.0.1/32 trust   %s\n' "$PRIMARY_USER" "$MARK" >>"$hba"
    say "added a loopback replication line to $hba"
  fi
  primary_sql "SELECT pg_reload_conf()" >/dev/null
  for _ in $(seq 1 20); do replication_allowed && return; sleep 0.25; done
  say "the primary still refuses replication connections after the reload (see $hba)"
  exit 1
}

write_config() {
  # Debian keeps postgresql.conf and pg_hba.conf outside the data directory, so the copy gets its own.
  # A hot standby needs these at least as high as the primary's.
  local setting lines=""
  for setting in max_connections max_worker_processes max_wal_senders max_prepared_transactions \
    max_locks_per_transaction; do
    lines+="$setting = $(primary_sql "SHOW $setting")"$'\n'
  done
  as_owner tee "$REPLICA_DIR/postgresql.conf" >/dev/null <<EOF
# Written by scripts/ops/replica.sh: a hot standby of $PRIMARY_HOST:$PRIMARY_PORT.
port = $REPLICA_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$REPLICA_DIR'
hot_standby = on
# Long reads (exports, statistics) are not cancelled by the cleanup the primary replays.
hot_standby_feedback = on
shared_buffers = '${REPLICA_SHARED_BUFFERS:-64MB}'
${lines}
EOF
  as_owner tee "$REPLICA_DIR/pg_hba.conf" >/dev/null <<EOF
local all all trust
host all all 127.0.0.1/32 trust
EOF
  as_owner touch "$REPLICA_DIR/pg_ident.conf"
}

start() {
  find_bin
  if running; then
    say "already running on 127.0.0.1:$REPLICA_PORT ($REPLICA_DIR)"
    return
  fi
  if [ -d "$REPLICA_DIR" ] && [ ! -f "$REPLICA_DIR/standby.signal" ]; then
    say "$REPLICA_DIR exists but is not a standby's data directory: remove it or set REPLICA_DIR"
    exit 1
  fi
  if [ ! -d "$REPLICA_DIR" ]; then
    allow_replication
    mkdir -p "$(dirname "$REPLICA_DIR")"
    mkdir -m 700 "$REPLICA_DIR"
    [ ${#RUN_AS[@]} -eq 0 ] || chown postgres:postgres "$REPLICA_DIR"
    local began=$SECONDS
    # -R: standby.signal and primary_conninfo; -X stream: the WAL written during the copy comes along;
    # -c fast: an immediate checkpoint instead of waiting for a spread one.
    as_owner "$PG_BIN/pg_basebackup" -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U "$PRIMARY_USER" \
      -D "$REPLICA_DIR" -R -X stream -c fast
    say "base backup of $(du -sh "$REPLICA_DIR" | cut -f1) in $((SECONDS - began)) s"
    write_config
  fi
  as_owner "$PG_BIN/pg_ctl" -D "$REPLICA_DIR" -l "$REPLICA_DIR/server.log" -w -t 120 start >/dev/null
  for _ in $(seq 1 240); do
    if [ "$(replica_sql "SELECT pg_is_in_recovery()" 2>/dev/null)" = t ]; then
      say "running on 127.0.0.1:$REPLICA_PORT ($REPLICA_DIR)"
      return
    fi
    sleep 0.5
  done
  say "the replica did not accept connections: see $REPLICA_DIR/server.log"
  exit 1
}

stop() {
  find_bin
  if running; then
    as_owner "$PG_BIN/pg_ctl" -D "$REPLICA_DIR" -m fast -w stop >/dev/null
    say "stopped"
  else
    say "not running"
  fi
}

status() {
  find_bin
  if ! running; then
    echo "stopped"
    return 3
  fi
  local primary_lsn
  primary_lsn=$(primary_sql "SELECT pg_current_wal_lsn()")
  replica_sql "SELECT 'running on 127.0.0.1:$REPLICA_PORT, in recovery: ' || pg_is_in_recovery()
    || ', replay paused: ' || pg_is_wal_replay_paused()
    || ', bytes behind: ' || pg_wal_lsn_diff('$primary_lsn', pg_last_wal_replay_lsn())
    || ', last replayed commit: ' || coalesce(pg_last_xact_replay_timestamp()::text, 'none')"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  destroy)
    stop
    rm -rf "$REPLICA_DIR"
    say "removed $REPLICA_DIR"
    ;;
  *)
    echo "usage: $0 start|status|stop|destroy" >&2
    exit 2
    ;;
esac
