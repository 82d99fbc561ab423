"""A forced rebuild of the release (`dvc repro --force`: every stage, from the archived answer to
the published release), against the floor of one process importing what the pipeline needs most
(pandas, pyarrow, frictionless and pandera).

Each run is a new process. The two commands alternate, so that whatever else the machine is doing
weighs on both alike; the figure reported is the ratio of their medians.

    python benchmarks/rebuild.py [--runs 5] [--repo .]

Target: at most 3 (a forced rebuild of every stage costs at most three such imports).

It also gives the processor time of each (user and system, of the command and every process it
starts) and the least the rebuild could take if that time were spread evenly over every core: a
bound from below that no scheduling of the same work beats.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

FLOOR = [sys.executable, "-c", "import pandas, pyarrow, frictionless, pandera.pandas"]


def seconds(command: list[str], cwd: Path) -> tuple[float, float]:
    """The wall-clock and processor seconds of ``command`` (the latter of all its processes)."""
    before, start = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    wall, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each command (default 5)")
    parser.add_argument("--repo", type=Path, default=Path("."), help="the checkout to rebuild (default: this folder)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--no-warm-up", action="store_true", help="skip the first, unmeasured run of each")
    args = parser.parse_args(argv)
    rebuild = [shutil.which("dvc") or "dvc", "repro", "--force", "--quiet"]
    if not args.no_warm_up:
        seconds(rebuild, args.repo), seconds(FLOOR, args.repo)  # warm the file-system cache for both
    times = {"rebuild": [], "floor": []}
    for _ in range(args.runs):
        times["floor"].append(seconds(FLOOR, args.repo))
        times["rebuild"].append(seconds(rebuild, args.repo))
    wall = {k: statistics.median(w for w, _ in v) for k, v in times.items()}
    cpu = {k: statistics.median(c for _, c in v) for k, v in times.items()}
    cores = os.cpu_count() or 1
    result = {
        "runs": args.runs,
        "rebuild_median_s": round(wall["rebuild"], 3),
        "floor_median_s": round(wall["floor"], 3),
        "ratio": round(wall["rebuild"] / wall["floor"], 2),
        "rebuild_cpu_median_s": round(cpu["rebuild"], 3),
        "floor_cpu_median_s": round(cpu["floor"], 3),
        "least_ratio_on_every_core": round(cpu["rebuild"] / cores / wall["floor"], 2),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(
            f"dvc repro --force {result['rebuild_median_s']:.3f} s, import floor {result['floor_median_s']:.3f} s "
            f"(medians of {args.runs} runs): ratio {result['ratio']:.2f} [{result['machine']}; Python {result['python']}]\n"
            f"processor time: rebuild {result['rebuild_cpu_median_s']:.3f} s, floor {result['floor_cpu_median_s']:.3f} s; "
            f"spread evenly over {cores} cores the rebuild would take at least "
            f"{result['least_ratio_on_every_core']:.2f} times the floor"
        )
    return result


if __name__ == "__main__":
    main()
