#!/usr/bin/env python3
"""The trust-history benchmark: `audreg build --history 200` over a 1,000-service registry with 200
commits, against the same build with `--history 0`.

The registry comes from `audreg generate`; the first commit adds it, and each of the 199 after it edits
one service file (in turn: a new audience, which widens; a new description, which is neutral; the audience
removed again, which narrows), with fixed authors and dates. Both builds run alternately, five rounds each
after one untimed round, output in RAM when /dev/shm exists; the medians are printed.
Usage: python3 Benchmarks/history.py [--audreg .build/release/audreg] [--services 1000] [--commits 200]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402  (history_repository: the same repository the benchmark's build --history task uses)


def main():
    arguments = argparse.ArgumentParser()
    arguments.add_argument("--audreg", default=".build/release/audreg")
    arguments.add_argument("--services", type=int, default=1000)
    arguments.add_argument("--commits", type=int, default=200)
    arguments.add_argument("--rounds", type=int, default=5)
    options = arguments.parse_args()
    audreg = os.path.abspath(options.audreg)
    work = tempfile.mkdtemp(prefix="audreg-history-bench-")
    try:
        generated = os.path.join(work, "generated")
        subprocess.run([audreg, "generate", "--services", str(options.services), "--plant-every", "0", "--out", generated],
                       check=True, capture_output=True)
        start = time.monotonic()
        repo = run.history_repository(generated, os.path.join(work, "repo"), commits=options.commits)
        registry = os.path.join(repo, "registry")
        files = sorted(os.path.join(folder, name) for folder, _, names in os.walk(os.path.join(registry, "services")) for name in names)
        print(f"made {options.commits} commits over {len(files)} service files in {time.monotonic() - start:.1f} s", flush=True)

        out_root = "/dev/shm" if os.path.isdir("/dev/shm") else work
        out = os.path.join(out_root, f"audreg-history-bench-{os.getpid()}")

        def build(history):
            shutil.rmtree(out, ignore_errors=True)
            began = time.monotonic()
            result = subprocess.run([audreg, "build", registry, "--out", out, "--today", "2026-12-01", "--fail-on", "never",
                                     "--layout", "built-in", "--history", str(history)], capture_output=True, text=True)
            elapsed = time.monotonic() - began
            if result.returncode != 0:
                raise SystemExit(f"build --history {history} failed: {result.stderr}")
            return elapsed

        build(options.commits)
        build(0)
        with_history, without = [], []
        for _ in range(options.rounds):
            with_history.append(build(options.commits))
            without.append(build(0))
        build(options.commits)
        with open(os.path.join(out, "history.html"), encoding="utf-8") as handle:
            history_page = handle.read()
        rows = history_page.count('<tr class="history-')
        shutil.rmtree(out, ignore_errors=True)
        median_with, median_without = statistics.median(with_history), statistics.median(without)
        print(f"build --history {options.commits}: median {median_with:.2f} s (rounds {', '.join(f'{t:.2f}' for t in with_history)})")
        print(f"build --history 0:   median {median_without:.2f} s (rounds {', '.join(f'{t:.2f}' for t in without)})")
        print(f"the trust history adds {median_with - median_without:.2f} s; its page lists {rows} widening or narrowing changes")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
