"""`python -m bench [--only NAME ...] [--quick] [--list]`: run the registered benchmarks, merge
their results into bench/results.json and regenerate the table in docs/benchmarks.md."""

import argparse

from bench.common import command_line, record, registered


def main(argv=None):
    available = registered()
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--only", action="append", metavar="NAME", help="run only this benchmark (repeatable)")
    parser.add_argument(
        "--quick", action="store_true", help="fewer points and runs: checks the harness, rougher figures"
    )
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args(argv)
    if args.list:
        print("\n".join(available))
        return
    names = args.only or list(available)
    unknown = sorted(set(names) - set(available))
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(available)}")
    results = []
    for name in names:
        print(f"== {name}", flush=True)
        result = available[name](quick=args.quick)
        print(
            f"   {result.value:,.0f} {result.unit} vs {result.baseline_name} {result.baseline_value:,.0f} "
            f"{result.unit}: {result.ratio:,.1f}× (target {result.target})",
            flush=True,
        )
        results.append(result)
    record(results, command_line())
    print(f"recorded {len(results)} result(s) in bench/results.json and docs/benchmarks.md")


if __name__ == "__main__":
    main()
