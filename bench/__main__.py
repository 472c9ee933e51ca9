"""`python -m bench [--only NAME ...] [--quick] [--list]`: run the registered benchmarks, merge
their results into bench/results.json and regenerate the table in docs/benchmarks.md.

Each benchmark runs in a process of its own (Django is configured once per process, and each
benchmark builds its own throwaway database), one after the other so they never compete for the
machine. The child records its own result; a failing benchmark stops the run with its exit code.
"""

import argparse
import os
import subprocess
import sys

from bench.common import command_line, record, registered


def run_here(name, quick):
    results = registered()[name](quick=quick)
    results = results if isinstance(results, list) else [results]  # a benchmark may give several figures
    for result in results:
        print(
            f"   {result.name}: {result.value:,.1f} {result.unit} vs {result.baseline_name} "
            f"{result.baseline_value:,.1f} {result.unit}: {result.ratio:,.2f}× (target {result.target})",
            flush=True,
        )
    record(results, os.environ.get("BENCH_COMMAND") or command_line())


def main(argv=None):
    available = registered()
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--only", action="append", metavar="NAME", help="run only this benchmark (repeatable)")
    parser.add_argument(
        "--quick", action="store_true", help="fewer points and runs: checks the harness, rougher figures"
    )
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.list:
        print("\n".join(available))
        return
    names = args.only or list(available)
    unknown = sorted(set(names) - set(available))
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(available)}")
    if args.in_process:
        for name in names:
            run_here(name, args.quick)
        return
    environment = {**os.environ, "BENCH_COMMAND": command_line()}
    for name in names:
        print(f"== {name}", flush=True)
        child = [sys.executable, "-m", "bench", "--in-process", "--only", name, *(["--quick"] if args.quick else [])]
        completed = subprocess.run(child, env=environment, check=False)
        if completed.returncode:
            sys.exit(completed.returncode)
    print(f"recorded {len(names)} result(s) in bench/results.json and docs/benchmarks.md")


if __name__ == "__main__":
    main()
