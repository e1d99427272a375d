#!/usr/bin/env python3
"""audreg's benchmark: times audreg against the floor and against the tools people would use instead,
on the same generated registries, in one run on one machine. See BENCHMARKS.md for recorded figures.

Usage: scripts/bench.sh [--quick]   (builds a release binary first, then runs this)
"""
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AUDREG = os.path.join(ROOT, ".build", "release", "audreg")
FLOOR = os.path.join(ROOT, ".build", "libyaml-floor")
TODAY = "2026-12-01"
QUICK = "--quick" in sys.argv
SIZES = [1000, 10000] if QUICK else [1000, 10000, 50000]


def ram_directory():
    """A scratch folder on tmpfs (/dev/shm), or None where there is none."""
    if not os.path.isdir("/dev/shm") or not os.access("/dev/shm", os.W_OK):
        return None
    return tempfile.mkdtemp(prefix="audreg-bench-", dir="/dev/shm")


RAM_DIR = None


# Five runs of everything (three with --quick): with three, one disturbed run at 50k moved a median
# enough to swing the 10k → 50k growth by half a point.
RUNS = 3 if QUICK else 5


CPU_SECONDS = {}
# Every run's wall and CPU seconds per command, in round order: the JSON keeps them, and the growth
# table pairs the 10k and 50k runs of the same round.
RUN_TIMES = {}


def stolen_seconds():
    """The machine's steal time so far (/proc/stat): CPU time its virtual CPUs wanted and the
    hypervisor gave to other guests. Zero where there is no such counter."""
    try:
        with open("/proc/stat") as handle:
            fields = handle.readline().split()
        return int(fields[8]) / os.sysconf("SC_CLK_TCK") if fields[0] == "cpu" and len(fields) > 8 else 0.0
    except (OSError, ValueError):
        return 0.0


def run_once(command, cwd=None, accept=(0, 1), prepare=None):
    """One timed run: wall seconds, peak resident MiB, CPU seconds (user + system, all threads), and
    the seconds of steal time during it."""
    if prepare:
        prepare()
    # Untimed: the previous run's writes and deletes (or a registry just generated) go to the disk now,
    # not in the background during this run. On 2 cores the kernel's flusher competes for a core.
    os.sync()
    stolen = stolen_seconds()
    start = time.perf_counter()
    process = subprocess.run(["/usr/bin/time", "-f", "%M %U %S"] + command, cwd=cwd, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    stolen = stolen_seconds() - stolen
    if process.returncode not in accept:
        raise SystemExit(f"{' '.join(command)} exited {process.returncode}:\n{process.stderr[-2000:]}")
    peak, user, system = process.stderr.strip().splitlines()[-1].split()
    return elapsed, int(peak) / 1024, float(user) + float(system), stolen


def measure_interleaved(specs, runs, warmup=True):
    """Commands measured in turns (A B C, A B C, ...) rather than one after the other, so a slow
    stretch of a shared machine slows audreg and its reference alike instead of biasing their ratio.
    specs: (command, prepare or None). Returns (median wall seconds, peak MiB) per command; the median
    CPU time is kept in CPU_SECONDS. One untimed round comes first, as hyperfine's --warmup does: the
    first read of a freshly generated registry (or one the kernel has since dropped from its caches)
    measures the disk, not the tools. Later measurements on the same registry skip it (warmup=False):
    its files are in the page cache by then."""
    if warmup:
        for command, prepare in specs:
            run_once(command, prepare=prepare)
    results = [([], [], [], []) for _ in specs]
    for _ in range(runs):
        for (command, prepare), (times, peaks, cpus, steals) in zip(specs, results):
            elapsed, peak, cpu, stolen = run_once(command, prepare=prepare)
            times.append(elapsed)
            peaks.append(peak)
            cpus.append(cpu)
            steals.append(stolen)
    for (command, _), (times, _, cpus, steals) in zip(specs, results):
        CPU_SECONDS[tuple(command)] = statistics.median(cpus)
        RUN_TIMES[tuple(command)] = (times, cpus, steals)
    return [(statistics.median(times), max(peaks)) for times, peaks, _, _ in results]


def evict(tree):
    """Drops a folder's files, already written to disk, from the page cache (POSIX_FADV_DONTNEED)."""
    for dirpath, _, filenames in os.walk(tree):
        for name in filenames:
            try:
                descriptor = os.open(os.path.join(dirpath, name), os.O_RDONLY)
            except OSError:
                continue
            try:
                os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(descriptor)


# Commits in the repositories of the build --history task: the first adds the registry, each later one
# edits one service file (a new audience, a new description, the audience removed, in turn).
HISTORY_COMMITS = 20
# The table's order of tasks within a size (the on-disk build is measured last, see main).
TASK_ORDER = ["validate (text)", "validate (sarif)", "build (HTML + Markdown)", "build, output in RAM (tmpfs)",
              f"build --history {HISTORY_COMMITS} (RAM)", "incremental build (1 service edited)", "diff (1% changed)"]
# When this benchmark last deleted its files (seconds since the epoch), for the next run.
DELETES_STAMP = os.path.join(ROOT, ".build", "bench-deleted-at")
# ext4 without a journal treats an inode deleted in the last minute as in use, or in the last six
# minutes while its inode-table block has unwritten changes (which every file created next to it
# makes): each new file scans past them. A build on disk in that window measures the deletes.
RECENT_DELETES_SECONDS = 6 * 60 + 10


def mark_deletes():
    with open(DELETES_STAMP, "w") as handle:
        handle.write(f"{time.time():.0f}\n")


def journal_less_ext4(path):
    """Whether path is on ext4 without a journal: ext4 in /proc/mounts, no jbd2 entry for its device."""
    real, best = os.path.realpath(path), None
    try:
        with open("/proc/mounts") as handle:
            for line in handle:
                device, mount_point, kind = line.split()[:3]
                if (real == mount_point or real.startswith(mount_point.rstrip("/") + "/")) and \
                        (best is None or len(mount_point) > len(best[1])):
                    best = (device, mount_point, kind)
        journals = os.listdir("/proc/fs/jbd2") if os.path.isdir("/proc/fs/jbd2") else []
    except OSError:
        return False
    if best is None or best[2] != "ext4":
        return False
    name = os.path.basename(os.path.realpath(best[0]))
    return not any(journal.startswith(name + "-") for journal in journals)


def wait_for_deletes_to_age(work):
    """Waits, before the on-disk build, until this benchmark's last deletes (a previous run's clean-up)
    are old enough not to slow file creation; only on ext4 without a journal."""
    try:
        with open(DELETES_STAMP) as handle:
            last = float(handle.read())
    except (OSError, ValueError):
        return
    left = RECENT_DELETES_SECONDS - (time.time() - last)
    if left > 0 and journal_less_ext4(work):
        print(f"note: waiting {left:.0f} s before the build on disk: the previous run deleted its files "
              f"{time.time() - last:.0f} s ago, and on ext4 without a journal files created within six "
              "minutes of a mass delete are slower to create", file=sys.stderr)
        time.sleep(left)


def has_command(name):
    result = subprocess.run([AUDREG, "help"], capture_output=True, text=True)
    return f"  {name} " in result.stdout or f"  {name}\n" in result.stdout


def has_option(command, option):
    result = subprocess.run([AUDREG, command, "--help"], capture_output=True, text=True)
    return option in result.stdout


def history_repository(registry, repository, commits=HISTORY_COMMITS):
    """A git repository holding a copy of the registry in registry/, with `commits` commits of fixed
    authors and dates (Benchmarks/history.py uses it too)."""
    target = os.path.join(repository, "registry")
    shutil.copytree(registry, target)
    files = sorted(os.path.join(folder, name) for folder, _, names in os.walk(os.path.join(target, "services")) for name in names)

    def git(*arguments, number=0):
        stamp = f"@{1790000000 + number * 3600} +0000"
        environment = dict(os.environ, GIT_AUTHOR_NAME=f"Author {number % 7}", GIT_AUTHOR_EMAIL="author@example.com",
                           GIT_COMMITTER_NAME="CI", GIT_COMMITTER_EMAIL="ci@example.com", GIT_AUTHOR_DATE=stamp,
                           GIT_COMMITTER_DATE=stamp, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null")
        subprocess.run(["git", "-c", "core.hooksPath=/dev/null", "-c", "commit.gpgsign=false", *arguments], cwd=repository,
                       check=True, capture_output=True, env=environment)

    git("init", "-q")
    git("add", "-A")
    git("commit", "-q", "-m", "Add the registry")
    for number in range(1, commits):
        path = files[((number - 1) // 3 * 37) % len(files)]
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        step = number % 3
        if step == 1:
            text = text.replace("  audiences:\n", f"  audiences:\n    - https://extra-{number}.example.com\n", 1)
        elif step == 2:
            text = text.replace("for benchmarks.", f"for benchmarks, revision {number}.", 1)
        else:
            text = "\n".join(line for line in text.split("\n") if "https://extra-" not in line)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        git("commit", "-q", "-am", f"Change {number}", number=number)
    return repository


def registry_bytes(directory):
    total = 0
    for dirpath, _, filenames in os.walk(directory):
        total += sum(os.path.getsize(os.path.join(dirpath, name)) for name in filenames)
    return total


def file_list(directory, path):
    files = []
    for dirpath, dirnames, filenames in os.walk(directory):
        dirnames.sort()
        files += [os.path.join(dirpath, name) for name in sorted(filenames) if name.endswith((".yaml", ".yml"))]
    with open(path, "w") as handle:
        handle.write("\n".join(files) + "\n")


def hugo_site(registry, out):
    """One Hugo page per service with the same fields the audreg service page shows."""
    os.makedirs(os.path.join(out, "layouts", "_default"))
    os.makedirs(os.path.join(out, "content", "services"))
    with open(os.path.join(out, "config.toml"), "w") as handle:
        handle.write('baseURL = "/"\ntitle = "registry"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n')
    with open(os.path.join(out, "layouts", "_default", "single.html"), "w") as handle:
        handle.write("<!doctype html><html><head><title>{{ .Title }}</title></head><body><main><h1>{{ .Title }}</h1>"
                     "<p>{{ .Params.description }}</p><dl><dt>Owner</dt><dd>{{ .Params.owner }}</dd>"
                     "<dt>Environment</dt><dd>{{ .Params.environment }}</dd></dl><h2>Audiences</h2><ul>"
                     "{{ range .Params.audiences }}<li><code>{{ . }}</code></li>{{ end }}</ul><h2>Issuers</h2><ul>"
                     "{{ range .Params.issuers }}<li>{{ . }}</li>{{ end }}</ul><h2>Scopes</h2><ul>"
                     "{{ range .Params.scopes }}<li>{{ . }}</li>{{ end }}</ul></main></body></html>")
    with open(os.path.join(out, "layouts", "_default", "list.html"), "w") as handle:
        handle.write("<!doctype html><html><body><ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul></body></html>")
    import yaml
    for dirpath, _, filenames in os.walk(os.path.join(registry, "services")):
        for name in filenames:
            with open(os.path.join(dirpath, name)) as handle:
                document = yaml.load(handle, Loader=yaml.CSafeLoader)
            metadata, spec = document["metadata"], document["spec"]
            front = {
                "title": metadata.get("title", metadata["name"]), "description": metadata.get("description", ""),
                "owner": metadata.get("owner", ""), "environment": metadata.get("environment", ""),
                "audiences": spec.get("audiences", []), "issuers": [a["issuer"] for a in spec.get("accepts", [])],
                "scopes": spec.get("authorization", {}).get("scopes", []),
            }
            with open(os.path.join(out, "content", "services", metadata["name"] + ".md"), "w") as page:
                page.write(json.dumps(front) + "\n")


def mutate_one_percent(source, target):
    """A copy of the registry where 1% of services gained an audience or a pass-through hop."""
    shutil.copytree(source, target)
    services = []
    for dirpath, dirnames, filenames in os.walk(os.path.join(target, "services")):
        dirnames.sort()
        services += [os.path.join(dirpath, name) for name in sorted(filenames)]
    for index, path in enumerate(services):
        if index % 100 != 50:
            continue
        with open(path) as handle:
            text = handle.read()
        text = text.replace("  audiences:\n", "  audiences:\n    - https://extra-%d.api.example.com\n" % index, 1)
        with open(path, "w") as handle:
            handle.write(text)


class OneServiceEdit:
    """Edits the description of the middle service file of a registry, differently each time (the
    rounds of an incremental build each find one changed service), and puts the file back at the end."""
    def __init__(self, registry):
        services = []
        for dirpath, dirnames, filenames in os.walk(os.path.join(registry, "services")):
            dirnames.sort()
            services += [os.path.join(dirpath, name) for name in sorted(filenames)]
        self.path = services[len(services) // 2]
        with open(self.path) as handle:
            self.original = handle.read()
        if "  description: " not in self.original:
            raise SystemExit(f"{self.path} has no description line to edit")
        self.count = 0

    def __call__(self):
        self.count += 1
        lines = [f"  description: Edited {self.count} times by the benchmark." if line.startswith("  description: ") else line
                 for line in self.original.split("\n")]
        with open(self.path, "w") as handle:
            handle.write("\n".join(lines))

    def restore(self):
        with open(self.path, "w") as handle:
            handle.write(self.original)


def main():
    """Every registry is generated first; then each task is measured at every size in the same rounds
    (1k, 10k, 50k, 1k, 10k, 50k, ...), each size next to its reference. A slow stretch of this shared
    machine then lands on all sizes alike, so the 10k → 50k growth compares like with like: measured
    size after size, minutes apart, the growth swung by more than the distance to its target."""
    global RAM_DIR
    work = tempfile.mkdtemp(prefix="audreg-bench-")
    RAM_DIR = ram_directory()
    commands = {name: has_command(name) for name in ["build", "diff", "drift"]}
    rows_by_size = {size: [] for size in SIZES}
    rows = []
    try:
        registries, listings, sizes_mib = {}, {}, {}
        for size in SIZES:
            registries[size] = os.path.join(work, f"r{size}")
            subprocess.run([AUDREG, "generate", "--services", str(size), "--out", registries[size]], check=True,
                           stderr=subprocess.DEVNULL)
            listings[size] = os.path.join(work, f"files{size}.txt")
            file_list(registries[size], listings[size])
            sizes_mib[size] = registry_bytes(registries[size]) / 1048576

        def add(size, task, audreg, reference_name, reference, memory, command, reference_command=None):
            cpu = CPU_SECONDS[tuple(command)]
            times, cpus, steals = RUN_TIMES[tuple(command)]
            row = {"task": task, "services": size, "registryMiB": round(sizes_mib[size], 2), "audreg": round(audreg, 3),
                   "audregCPU": round(cpu, 3), "reference": reference_name,
                   "referenceSeconds": round(reference, 3) if reference else None,
                   "ratio": round(audreg / reference, 2) if reference else None, "peakMiB": round(memory, 1),
                   "runs": [round(value, 3) for value in times], "cpuRuns": [round(value, 3) for value in cpus],
                   "stolenRuns": [round(value, 3) for value in steals]}
            if reference_command:
                row["referenceRuns"] = [round(value, 3) for value in RUN_TIMES[tuple(reference_command)][0]]
            rows_by_size[size].append(row)

        # validate, next to the libyaml floor and PyYAML, with one warm-up round (the registries are new).
        specs = []
        for size in SIZES:
            registry = registries[size]
            specs += [([FLOOR, listings[size]], None),
                      ([sys.executable, os.path.join(ROOT, "Benchmarks", "pyyaml_load.py"), listings[size]], None),
                      ([AUDREG, "validate", registry, "--today", TODAY], None),
                      ([AUDREG, "validate", registry, "--today", TODAY, "--format", "sarif"], None)]
        results = measure_interleaved(specs, RUNS)
        floors = {}
        for number, size in enumerate(SIZES):
            (floor, floor_mem), (pyyaml, _), (text, text_mem), (sarif, sarif_mem) = results[number * 4:number * 4 + 4]
            floor_command, pyyaml_command, text_command, sarif_command = (spec[0] for spec in specs[number * 4:number * 4 + 4])
            floors[size] = (floor, floor_mem, floor_command)
            add(size, "validate (text)", text, "libyaml floor", floor, text_mem, text_command, floor_command)
            add(size, "validate (text)", text, "PyYAML CSafeLoader load", pyyaml, text_mem, text_command, pyyaml_command)
            add(size, "validate (sarif)", sarif, "libyaml floor", floor, sarif_mem, sarif_command, floor_command)
        print("measured validate", file=sys.stderr)

        if commands["build"]:
            for size in SIZES:
                hugo_site(registries[size], os.path.join(work, f"hugo{size}"))
        # The two builds with their output in RAM first, then on disk (after diff, below). On this
        # machine's ext4 (no journal), files created in the minutes after a mass delete scan past the
        # recently deleted inodes, which can dominate both tools' time on disk. In RAM what is left is
        # each tool's own work.
        if commands["build"] and RAM_DIR:
            specs = []
            for size in SIZES:
                ram_out, ram_hugo_out = os.path.join(RAM_DIR, f"site{size}"), os.path.join(RAM_DIR, f"hugo-out{size}")
                specs += [([AUDREG, "build", registries[size], "--out", ram_out, "--today", TODAY, "--fail-on", "never"],
                           lambda out=ram_out: shutil.rmtree(out, ignore_errors=True)),
                          (["hugo", "--quiet", "-s", os.path.join(work, f"hugo{size}"), "-d", ram_hugo_out],
                           lambda out=ram_hugo_out: shutil.rmtree(out, ignore_errors=True))]
            try:
                results = measure_interleaved(specs, RUNS, warmup=False)
            finally:
                for size in SIZES:
                    shutil.rmtree(os.path.join(RAM_DIR, f"site{size}"), ignore_errors=True)
                    shutil.rmtree(os.path.join(RAM_DIR, f"hugo-out{size}"), ignore_errors=True)
            for number, size in enumerate(SIZES):
                (in_ram, in_ram_mem), (hugo_ram, _) = results[number * 2:number * 2 + 2]
                add(size, "build, output in RAM (tmpfs)", in_ram, "Hugo, output in RAM", hugo_ram, in_ram_mem, specs[number * 2][0],
                    specs[number * 2 + 1][0])
            print("measured build in RAM", file=sys.stderr)

        if commands["build"] and RAM_DIR and has_option("build", "--history"):
            # build --history over a git repository of each registry with HISTORY_COMMITS commits, next to
            # the same build without history, so the 10k -> 50k growth of the trust history is measured.
            specs = []
            for size in SIZES:
                repository = history_repository(registries[size], os.path.join(work, f"history{size}"))
                out = os.path.join(RAM_DIR, f"history-site{size}")
                clear = lambda out=out: shutil.rmtree(out, ignore_errors=True)  # noqa: E731
                common = ["build", os.path.join(repository, "registry"), "--out", out, "--today", TODAY, "--fail-on", "never",
                          "--layout", "built-in"]
                specs += [([AUDREG, *common, "--history", str(HISTORY_COMMITS)], clear), ([AUDREG, *common, "--history", "0"], clear)]
            try:
                results = measure_interleaved(specs, RUNS)
            finally:
                for size in SIZES:
                    shutil.rmtree(os.path.join(RAM_DIR, f"history-site{size}"), ignore_errors=True)
            for number, size in enumerate(SIZES):
                (with_history, memory), (without, _) = results[number * 2:number * 2 + 2]
                add(size, f"build --history {HISTORY_COMMITS} (RAM)", with_history, "the same build, --history 0", without, memory,
                    specs[number * 2][0], specs[number * 2 + 1][0])
            print("measured build --history", file=sys.stderr)

        if commands["build"]:
            # Issue #26: after one service file changed, `build` into a site it built before (reusing the
            # unchanged pages), next to `build --full` replacing the same site after the same kind of
            # change. Both rebuild a site of the same size in the same place, in turns; in RAM when there
            # is a tmpfs, so that neither measures the disk's deletes.
            place = RAM_DIR or work
            specs, edits, outs = [], [], []
            for size in SIZES:
                out = os.path.join(place, f"incremental{size}")
                outs.append(out)
                build = [AUDREG, "build", registries[size], "--out", out, "--today", TODAY, "--fail-on", "never"]
                subprocess.run(build, check=True, stderr=subprocess.DEVNULL)
                edit = OneServiceEdit(registries[size])
                edits.append(edit)
                specs += [(build, edit), (build + ["--full"], edit)]
            try:
                results = measure_interleaved(specs, RUNS, warmup=False)
            finally:
                for edit in edits:
                    edit.restore()
                for out in outs:
                    shutil.rmtree(out, ignore_errors=True)
            for number, size in enumerate(SIZES):
                (incremental, incremental_mem), (full, _) = results[number * 2:number * 2 + 2]
                add(size, "incremental build (1 service edited)", incremental, "audreg build --full, same edit", full,
                    incremental_mem, specs[number * 2][0], specs[number * 2 + 1][0])
            print("measured incremental build", file=sys.stderr)

        if commands["diff"]:
            specs = []
            for size in SIZES:
                head = os.path.join(work, f"r{size}-head")
                mutate_one_percent(registries[size], head)
                specs.append(([AUDREG, "diff", registries[size], head, "--today", TODAY], None))
            results = measure_interleaved(specs, RUNS, warmup=False)
            for number, size in enumerate(SIZES):
                diffed, diff_mem = results[number]
                add(size, "diff (1% changed)", diffed, "libyaml floor x2", floors[size][0] * 2, diff_mem, specs[number][0], floors[size][2])
            print("measured diff", file=sys.stderr)

        if commands["build"]:
            # Last, so that a run started right after another finds that run's deletes older (see
            # wait_for_deletes_to_age). Both builders start from an empty output folder: earlier outputs
            # are moved aside (untimed, see settle) rather than deleted, and deleted after the last round.
            # On an ext4 without a journal, files created after a mass delete scan past the recently
            # deleted inodes, so deleting between runs made each round slower than the one before (at
            # 50k audreg took 6.2, 6.1, 11.3, 13.1 and 15.0 s in turn, Hugo 6.0 to 28.6 s).
            trash = os.path.join(work, "moved-aside")
            os.makedirs(trash)
            moved = iter(range(1 << 30))
            # Both outputs of every round stay on disk until the last one: about 55 bytes on disk per
            # byte of registry (at 10k, 4.8 MiB of registry give 186 MB of audreg pages, and Hugo's
            # tree a folder and a file, 8 KiB of blocks, per service).
            needed = RUNS * sum(int(sizes_mib[size] * 1048576) * 55 for size in SIZES)
            keep_outputs = shutil.disk_usage(work).free > needed * 1.2
            if not keep_outputs:
                print(f"note: {needed / 1e9:.1f} GB are needed to keep every run's output on disk; deleting them "
                      "between runs instead, which on ext4 without a journal slows each round", file=sys.stderr)

            def move_aside(path):
                if not os.path.exists(path):
                    return
                if keep_outputs:
                    os.rename(path, os.path.join(trash, str(next(moved))))
                else:
                    shutil.rmtree(path, ignore_errors=True)

            outputs = [os.path.join(work, f"{name}{size}") for size in SIZES for name in ("site", "hugo-out")]
            evicted = set()

            def settle():
                """Before each round, every earlier output is moved aside, written out and dropped from the
                page cache (untimed), so each round finds as much free memory as the first. Kept cached,
                a full run's outputs (about 13 GB) fill this machine's memory after a few rounds, and from
                then on every page a build writes must first be reclaimed: creating 100,000 files of 7 KB
                then took 4.1 s instead of 2.7 s, while the first 20,000 still found free pages, so the
                reclaim slowed the 50k builds more than the 10k ones."""
                for path in outputs:
                    move_aside(path)
                if not keep_outputs:
                    return
                os.sync()
                for name in os.listdir(trash):
                    if name not in evicted:
                        evict(os.path.join(trash, name))
                        evicted.add(name)

            wait_for_deletes_to_age(work)
            specs = []
            for size in SIZES:
                out, hugo_dir, hugo_out = (os.path.join(work, f"{name}{size}") for name in ("site", "hugo", "hugo-out"))
                specs += [([AUDREG, "build", registries[size], "--out", out, "--today", TODAY, "--fail-on", "never"], settle),
                          (["hugo", "--quiet", "-s", hugo_dir, "-d", hugo_out], settle)]
            results = measure_interleaved(specs, RUNS, warmup=False)
            for number, size in enumerate(SIZES):
                (built, built_mem), (hugo, _) = results[number * 2:number * 2 + 2]
                add(size, "build (HTML + Markdown)", built, "Hugo, one page per service", hugo, built_mem, specs[number * 2][0],
                    specs[number * 2 + 1][0])
            for path in outputs:
                move_aside(path)
            shutil.rmtree(trash, ignore_errors=True)
            mark_deletes()
            print("measured build", file=sys.stderr)

        for size in SIZES:
            rows += sorted(rows_by_size[size], key=lambda row: TASK_ORDER.index(row["task"]))
            rows.append({"task": "registry on disk", "services": size, "registryMiB": round(sizes_mib[size], 2), "audreg": None,
                         "reference": None, "referenceSeconds": None, "ratio": None, "peakMiB": None,
                         "floorPeakMiB": round(floors[size][1], 1)})
        if commands["drift"]:
            drift(rows)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        mark_deletes()
        if RAM_DIR:
            shutil.rmtree(RAM_DIR, ignore_errors=True)
    report(rows)


def drift(rows):
    """1,000 issuers, each a discovery document and a JWKS, served by nginx over TLS on loopback
    (integration/drift-nginx.sh builds the setup), then the same responses replayed with --offline."""
    environment = dict(os.environ, AUDREG=AUDREG, DRIFT_BENCH_ISSUERS="1000", DRIFT_BENCH_RUNS=str(3 if QUICK else 5))
    process = subprocess.run(["bash", os.path.join(ROOT, "integration", "drift-nginx.sh"), "--bench-only"], env=environment,
                             capture_output=True, text=True)
    if process.returncode != 0:
        raise SystemExit(f"integration/drift-nginx.sh --bench-only failed:\n{process.stderr[-2000:]}{process.stdout[-2000:]}")
    figures = json.loads(process.stdout.strip().splitlines()[-1])
    for task, seconds, peak in [("drift (1,000 issuers, TLS loopback)", figures["liveSeconds"], figures["livePeakMiB"]),
                                ("drift --offline (1,000 issuers)", figures["offlineSeconds"], figures["offlinePeakMiB"])]:
        rows.append({"task": task, "services": figures["issuers"], "registryMiB": None, "audreg": round(seconds, 3),
                     "reference": "none (target: a few seconds)", "referenceSeconds": None, "ratio": None, "peakMiB": round(peak, 1)})
    print("measured drift", file=sys.stderr)


# As hyperfine warns about outliers: when the slowest round of one of audreg's timings at 10k or 50k
# is this many times its fastest, the report says so. Undisturbed runs on the project's machine stay
# under 1.2. (Hugo's own 50k build on disk has one slow round in most runs, so references are left out.)
UNSTEADY = 1.3


def unsteady_rounds(rows):
    """audreg's timings whose rounds disagree, once each, in table order."""
    found, seen = [], set()
    for row in rows:
        if row["audreg"] is None or "runs" not in row or row["services"] not in (10000, 50000):
            continue
        key = (row["task"], row["services"])
        if key in seen:
            continue
        seen.add(key)
        runs = row["runs"]
        if max(runs) > UNSTEADY * min(runs):
            found.append({"task": row["task"], "services": row["services"], "fastest": min(runs), "slowest": max(runs)})
    return found


# On a quiet disk here the build on disk takes 1.1 to 1.25 times the build in RAM; far more means
# creating files was slow during the run (on ext4 without a journal: files deleted minutes before).
SLOW_DISK = 1.4


def slow_disk(rows):
    """Sizes at which the build on disk took over SLOW_DISK times the same build in RAM."""
    medians = {(row["task"], row["services"]): row["audreg"] for row in rows if row["audreg"] is not None}
    found = []
    for size in SIZES:
        on_disk, in_ram = medians.get(("build (HTML + Markdown)", size)), medians.get(("build, output in RAM (tmpfs)", size))
        if size >= 10000 and on_disk and in_ram and on_disk > SLOW_DISK * in_ram:
            found.append({"services": size, "onDisk": on_disk, "inRAM": in_ram})
    return found


# A virtual machine's CPUs can be taken by the hypervisor for other guests ("steal" in /proc/stat).
# Quiet runs here lose under 1% of their CPU time so; more means a neighbour slowed the timings.
STOLEN = 0.03


def stolen_rounds(rows):
    """audreg's timings at 10k and 50k that lost over STOLEN of the machine's CPU time to steal."""
    found = []
    for row in rows:
        if row["audreg"] is None or "stolenRuns" not in row or row["services"] not in (10000, 50000):
            continue
        available = sum(row["runs"]) * (os.cpu_count() or 1)
        if available and sum(row["stolenRuns"]) > STOLEN * available:
            found.append({"task": row["task"], "services": row["services"], "stolen": round(sum(row["stolenRuns"]), 3),
                          "share": round(sum(row["stolenRuns"]) / available, 3)})
    return found


# The issues' targets, as ratios so that they hold across machines. Issue #8's are the floor the
# project keeps; issue #26's are the next ones.
FLOOR_LIMIT, GROWTH_LIMIT, MEMORY_LIMIT = 3.0, 5.5, 20.0
NEXT_FLOOR_LIMIT, NEXT_HUGO_LIMIT, NEXT_VALIDATE_MEMORY, NEXT_BUILD_MEMORY, INCREMENTAL_LIMIT = 1.0, 0.6, 5.0, 8.0, 0.15


def targets(rows):
    """Each target with this run's figures and whether they meet it, grouped by the issue that set it.
    Growth counts as met only when both the ratio of medians and the paired growth are within the limit.
    A target whose task did not run (or does not exist yet) is "not measured", never met."""
    def pick(task=None, reference=None, sizes=(10000, 50000)):
        return [row for row in rows if row["audreg"] is not None and row["services"] in sizes
                and (task is None or row["task"].startswith(task)) and (reference is None or row["reference"] == reference)]

    def verdict(issue, name, values, passes, unit="x"):
        if not values:
            return {"issue": issue, "target": name, "result": "not measured in this run", "met": None}
        low, high = min(values), max(values)
        figures = f"{low:.2f}{unit}" if low == high else f"{low:.2f}-{high:.2f}{unit}"
        return {"issue": issue, "target": name, "result": figures, "met": all(passes(value) for value in values)}

    def memory_ratios(task, sizes):
        # The build --history task's memory is in the table; the memory targets are the plain tasks'.
        return [row["peakMiB"] / row["registryMiB"] for row in pick(task, sizes=sizes)
                if row.get("peakMiB") and row.get("registryMiB") and "--history" not in row["task"]]

    found = [
        verdict(8, f"validate within {FLOOR_LIMIT:g}x the libyaml floor at 10k and 50k",
                [row["ratio"] for row in pick("validate", "libyaml floor")], lambda ratio: ratio <= FLOOR_LIMIT),
        verdict(8, "validate faster than PyYAML's C loader loading the same files",
                [row["ratio"] for row in pick("validate", "PyYAML CSafeLoader load")], lambda ratio: ratio < 1),
        verdict(8, "build faster than Hugo at 10k (on disk and in RAM)",
                [row["ratio"] for row in pick("build", sizes=(10000,)) if row["reference"].startswith("Hugo")], lambda ratio: ratio < 1),
    ]
    growth = [value for row in pick(sizes=(50000,)) if "growthFrom10k" in row
              for value in (row["growthFrom10k"]["medians"], row["growthFrom10k"]["paired"])]
    found.append(verdict(8, f"10k -> 50k at most {GROWTH_LIMIT:g}x for every task (medians and paired)", growth,
                         lambda value: value <= GROWTH_LIMIT))
    found.append(verdict(8, f"peak memory at most {MEMORY_LIMIT:g}x the registry on disk at 10k and 50k",
                         memory_ratios(None, (10000, 50000)), lambda value: value <= MEMORY_LIMIT))
    found += [
        verdict(26, f"validate at most {NEXT_FLOOR_LIMIT:g}x the libyaml floor at 10k and 50k",
                [row["ratio"] for row in pick("validate", "libyaml floor")], lambda ratio: ratio <= NEXT_FLOOR_LIMIT),
        verdict(26, f"build at most {NEXT_HUGO_LIMIT:g}x Hugo at 10k and 50k (on disk and in RAM)",
                [row["ratio"] for row in pick("build") if row["reference"].startswith("Hugo")], lambda ratio: ratio <= NEXT_HUGO_LIMIT),
        verdict(26, f"validate peak memory at most {NEXT_VALIDATE_MEMORY:g}x the registry on disk at 50k",
                memory_ratios("validate", (50000,)), lambda value: value <= NEXT_VALIDATE_MEMORY),
        verdict(26, f"build peak memory at most {NEXT_BUILD_MEMORY:g}x the registry on disk at 50k",
                memory_ratios("build", (50000,)), lambda value: value <= NEXT_BUILD_MEMORY),
        verdict(26, f"incremental build after one changed service at most {INCREMENTAL_LIMIT:.0%} of a full build at 50k",
                [row["ratio"] for row in pick("incremental build", sizes=(50000,))], lambda ratio: ratio <= INCREMENTAL_LIMIT),
        verdict(26, f"10k -> 50k at most {GROWTH_LIMIT:g}x for every task (medians and paired)", growth,
                lambda value: value <= GROWTH_LIMIT),
    ]
    return found


def warn(message, affected):
    """A warning, when anything is affected: what it means, then one line per affected timing."""
    if affected:
        print(f"\nwarning: {message}")
        for line in affected:
            print(f"  {line}")


def report(rows):
    machine = f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}"
    print(f"audreg benchmark — {machine} — {time.strftime('%Y-%m-%d', time.gmtime())}")
    print(f"{'task':36} {'services':>8} {'MiB':>7} {'audreg s':>9} {'cpu s':>7} {'reference':30} {'ref s':>8} {'ratio':>6} {'peak MiB':>9}")
    for row in rows:
        if row["audreg"] is None:
            continue
        cpu = f"{row['audregCPU']:>7.2f}" if row.get("audregCPU") is not None else f"{'':>7}"
        print(f"{row['task']:36} {row['services']:>8} {row['registryMiB'] or '':>7} {row['audreg']:>9.3f} {cpu} {row['reference']:30} "
              f"{row['referenceSeconds'] or 0:>8.3f} {row['ratio'] or 0:>6.2f} {row['peakMiB']:>9.1f}")
    growth = {}
    for row in rows:
        if row["audreg"] is not None and "runs" in row:
            growth.setdefault((row["task"], row["reference"]), {})[row["services"]] = row
    if 50000 in SIZES:
        print("\ngrowth from 10k to 50k services (linear is 5.0). medians: the 50k median over the 10k median; paired: the median,")
        print("over rounds, of the 50k run over the 10k run of the same round (seconds apart), which a slow stretch of the machine")
        print("moves less; the reference's paired growth on the same rounds for comparison")
        print(f"  {'task':30} {'medians wall':>12} {'CPU':>6} {'paired wall':>12} {'CPU':>6}   reference")
    for (task, reference), figures in growth.items():
        if 10000 in figures and 50000 in figures and reference in ("libyaml floor", "Hugo, one page per service", "Hugo, output in RAM", "libyaml floor x2",
                                                                          "the same build, --history 0"):
            small, large = figures[10000], figures[50000]
            paired_wall = statistics.median(b / a for a, b in zip(small["runs"], large["runs"]))
            paired_cpu = statistics.median(b / a for a, b in zip(small["cpuRuns"], large["cpuRuns"]))
            reference_paired = ""
            if "referenceRuns" in small and "referenceRuns" in large:
                ratio = statistics.median(b / a for a, b in zip(small["referenceRuns"], large["referenceRuns"]))
                reference_paired = f"{reference.replace(' x2', '')} {ratio:.2f}x"
            large["growthFrom10k"] = {"medians": round(large["audreg"] / small["audreg"], 2),
                                      "mediansCPU": round(large["audregCPU"] / small["audregCPU"], 2),
                                      "paired": round(paired_wall, 2), "pairedCPU": round(paired_cpu, 2)}
            print(f"  {task:30} {large['audreg'] / small['audreg']:>11.2f}x {large['audregCPU'] / small['audregCPU']:>5.2f}x "
                  f"{paired_wall:>11.2f}x {paired_cpu:>5.2f}x   {reference_paired}")
    checked = targets(rows)
    for issue in sorted({entry["issue"] for entry in checked}):
        print(f"\ntargets (ratios, from issue #{issue}):")
        for entry in checked:
            if entry["issue"] == issue:
                state = {True: "met", False: "MISSED", None: "-"}[entry["met"]]
                print(f"  {state:7} {entry['target']}: {entry['result']}")
    unsteady = unsteady_rounds(rows)
    warn(f"""the rounds of these differed by more than {UNSTEADY - 1:.0%}, so their medians and growth say less than
usual. Something else was using the machine or its disk. On ext4 without a journal, files deleted in the
minutes before a run slow every file created (see BENCHMARKS.md). Re-run on a quiet machine.""",
         [f"{entry['task']}, {entry['services']:,} services: {entry['fastest']:.3f} to {entry['slowest']:.3f} s" for entry in unsteady])
    slow = slow_disk(rows)
    warn(f"""the build on disk took more than {SLOW_DISK}× the same build in RAM, so its figures measure the
disk more than audreg. Files deleted in the minutes before (by another program, on ext4 without a journal)
slow every file created; see BENCHMARKS.md. Re-run on a quiet machine.""",
         [f"{entry['services']:,} services: {entry['onDisk']:.3f} s on disk, {entry['inRAM']:.3f} s in RAM" for entry in slow])
    stolen = stolen_rounds(rows)
    warn(f"""the hypervisor gave more than {STOLEN:.0%} of this machine's CPU time to other guests (steal time in
/proc/stat) during these timings, so they are slower than audreg is. Re-run when the host is quieter.""",
         [f"{entry['task']}, {entry['services']:,} services: {entry['stolen']:.2f} s stolen, {entry['share']:.1%} of the CPU time"
          for entry in stolen])
    result = {"machine": machine, "date": time.strftime('%Y-%m-%d', time.gmtime()), "quick": QUICK, "rows": rows,
              "targets": checked, "unsteady": unsteady, "slowDisk": slow, "stolen": stolen}
    path = os.path.join(ROOT, ".build", "bench-results.json")
    with open(path, "w") as handle:
        json.dump(result, handle, indent=2)
    print(f"\nJSON: {os.path.relpath(path, ROOT)}")


if __name__ == "__main__":
    main()
