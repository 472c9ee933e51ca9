"""How long a commit on the primary takes to be readable on the streaming replica, and what the lag
guard's check (civicgrid.core.replica) costs: `ROUNDS` single-row inserts into a scratch table, each
polled on the replica until it shows. Writes only to the database it is given (a scratch one: it
creates and drops the table `civicgrid_replica_probe` there).

    .venv/bin/python scripts/ops/replica_lag_probe.py \\
        postgres://postgres@127.0.0.1:5432/scratch postgres://postgres@127.0.0.1:5433/scratch [ROUNDS]
"""

import statistics
import sys
import time

import psycopg

TABLE = "civicgrid_replica_probe"
GUARD = (
    "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text,"
    " EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())"
)


def main(primary_url, replica_url, rounds=200):
    primary = psycopg.connect(primary_url, autocommit=True)
    replica = psycopg.connect(replica_url, autocommit=True)
    primary.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (id int PRIMARY KEY)")
    primary.execute(f"TRUNCATE {TABLE}")
    try:
        deadline = time.monotonic() + 60
        while not replica.execute("SELECT to_regclass(%s)", [TABLE]).fetchone()[0]:
            if time.monotonic() > deadline:
                sys.exit("the table never reached the replica: is it a replica of this primary?")
            time.sleep(0.05)
        visible, checks = [], []
        for i in range(rounds):
            began = time.perf_counter()
            primary.execute(f"INSERT INTO {TABLE} VALUES (%s)", [i])
            while not replica.execute(f"SELECT 1 FROM {TABLE} WHERE id = %s", [i]).fetchone():
                time.sleep(0.0005)
            visible.append((time.perf_counter() - began) * 1000)
            began = time.perf_counter()
            primary.execute("SELECT pg_current_wal_lsn()").fetchone()
            replica.execute(GUARD).fetchone()
            checks.append((time.perf_counter() - began) * 1000)
            time.sleep(0.02)
    finally:
        primary.execute(f"DROP TABLE IF EXISTS {TABLE}")
    for label, values in (
        ("insert sent on the primary → readable on the replica (its commit included)", visible),
        ("the guard's check", checks),
    ):
        p95 = statistics.quantiles(values, n=20)[18]
        print(f"{label}: median {statistics.median(values):.2f} ms, p95 {p95:.2f} ms, max {max(values):.2f} ms")
    print(f"({rounds} rounds)")


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], *(int(a) for a in sys.argv[3:]))
