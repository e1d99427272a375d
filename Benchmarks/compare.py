#!/usr/bin/env python3
"""Times two audreg binaries on the same tasks, side by side, to show whether a change made any task
slower (issue 24: "no task more than 5% slower than before").

Usage: scripts/bench.sh --compare BASE_BINARY   (HEAD is the release build bench.sh just made)
       python3 Benchmarks/compare.py BASE_BINARY HEAD_BINARY [--quick]

Both binaries run every task on the same registries, generated once by HEAD, in alternation
(base, head, base, head, ...), so a slow stretch of the shared machine lands on both alike. Each task
reports the median wall and CPU seconds of both and head/base; a ratio over 1.05 is marked SLOWER.
Outputs are not compared here: scripts/compare-outputs.sh does that byte for byte.
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402  (the benchmark's timing helpers: run_once, file_list, mutate_one_percent)

LIMIT = 1.05


def main():
    arguments = [argument for argument in sys.argv[1:] if not argument.startswith("--")]
    if len(arguments) != 2:
        raise SystemExit(__doc__)
    base, head = (os.path.abspath(path) for path in arguments)
    for binary in (base, head):
        if not os.access(binary, os.X_OK):
            raise SystemExit(f"{binary} is not an executable: build it with `swift build -c release --product audreg`")
    quick = "--quick" in sys.argv
    sizes = [1000, 10000] if quick else [1000, 10000, 50000]
    rounds = 3 if quick else 5
    work = tempfile.mkdtemp(prefix="audreg-compare-")
    ram = run.ram_directory() or work
    rows = []
    try:
        registries = {}
        for size in sizes:
            registries[size] = os.path.join(work, f"r{size}")
            subprocess.run([head, "generate", "--services", str(size), "--out", registries[size]], check=True,
                           stderr=subprocess.DEVNULL)
            run.mutate_one_percent(registries[size], registries[size] + "-head")

        def tasks(binary, size):
            registry, out = registries[size], os.path.join(ram, f"site-{os.getpid()}")
            clear = lambda: shutil.rmtree(out, ignore_errors=True)  # noqa: E731
            return [("validate (text)", [binary, "validate", registry, "--today", run.TODAY], None),
                    ("validate (sarif)", [binary, "validate", registry, "--today", run.TODAY, "--format", "sarif"], None),
                    ("build, output in RAM", [binary, "build", registry, "--out", out, "--today", run.TODAY,
                                              "--fail-on", "never"], clear),
                    ("diff (1% changed)", [binary, "diff", registry, registry + "-head", "--today", run.TODAY], None)]

        for size in sizes:
            for number, (task, _, _) in enumerate(tasks(base, size)):
                specs = [tasks(base, size)[number], tasks(head, size)[number]]
                for _, command, prepare in specs:  # warm-up: page cache, as hyperfine's --warmup
                    run.run_once(command, prepare=prepare)
                measured = [([], [], []) for _ in specs]
                for _ in range(rounds):
                    for (_, command, prepare), (walls, cpus, peaks) in zip(specs, measured):
                        wall, peak, cpu, _ = run.run_once(command, prepare=prepare)
                        walls.append(wall)
                        cpus.append(cpu)
                        peaks.append(peak)
                (base_walls, base_cpus, base_peaks), (head_walls, head_cpus, head_peaks) = measured
                row = {"task": task, "services": size,
                       "baseWall": statistics.median(base_walls), "headWall": statistics.median(head_walls),
                       "baseCPU": statistics.median(base_cpus), "headCPU": statistics.median(head_cpus),
                       "basePeakMiB": max(base_peaks), "headPeakMiB": max(head_peaks),
                       "baseRuns": base_walls, "headRuns": head_walls}
                row["wallRatio"] = row["headWall"] / row["baseWall"]
                row["cpuRatio"] = row["headCPU"] / row["baseCPU"]
                rows.append(row)
                print(f"measured {task} at {size:,}", file=sys.stderr)
            shutil.rmtree(os.path.join(ram, f"site-{os.getpid()}"), ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if ram != work:
            shutil.rmtree(ram, ignore_errors=True)

    print(f"base: {base}\nhead: {head}\n{rounds} alternating rounds per task, medians\n")
    print("| task | services | base s | head s | head/base | base cpu s | head cpu s | cpu head/base | peak MiB base → head |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(f"| {row['task']} | {row['services']:,} | {row['baseWall']:.3f} | {row['headWall']:.3f} | {row['wallRatio']:.3f} | "
              f"{row['baseCPU']:.2f} | {row['headCPU']:.2f} | {row['cpuRatio']:.3f} | {row['basePeakMiB']:.0f} → {row['headPeakMiB']:.0f} |")
    slower = [row for row in rows if row["services"] >= 10000 and row["wallRatio"] > LIMIT]
    print()
    if slower:
        for row in slower:
            print(f"SLOWER  {row['task']} at {row['services']:,}: {row['wallRatio']:.3f}× the base's wall time")
    else:
        print(f"met     no task at 10k or 50k more than {LIMIT - 1:.0%} slower than the base (wall, medians)")
    path = os.path.join(run.ROOT, ".build", "bench-compare.json")
    with open(path, "w") as handle:
        json.dump({"base": base, "head": head, "rounds": rounds, "rows": rows}, handle, indent=2)
    print(f"JSON: {os.path.relpath(path, run.ROOT)}")
    sys.exit(1 if slower else 0)


if __name__ == "__main__":
    main()
