"""Measure what one password hash costs on this machine with the configured hasher (a login does one)."""

import statistics
import time

from django.contrib.auth.hashers import check_password, get_hasher, make_password
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Measure the CPU and wall-clock milliseconds of one password check with the configured hasher."

    def add_arguments(self, parser):
        parser.add_argument("--rounds", type=int, default=20)

    def handle(self, *args, rounds=20, **options):
        hasher = get_hasher()
        encoded = make_password("Correct-Horse-9")
        cpu, wall = [], []
        for _ in range(max(rounds, 1)):
            c, w = time.process_time(), time.perf_counter()
            check_password("Correct-Horse-9", encoded)
            cpu.append((time.process_time() - c) * 1000)
            wall.append((time.perf_counter() - w) * 1000)
        params = {k: getattr(hasher, k) for k in ("memory_cost", "time_cost", "parallelism") if hasattr(hasher, k)}
        self.stdout.write(
            f"{hasher.algorithm} {params}: one check costs {statistics.median(cpu):.1f} ms CPU "
            f"(median of {len(cpu)}; max {max(cpu):.1f}), {statistics.median(wall):.1f} ms wall"
        )
