"""A forced rebuild of the release (`dvc repro --force`: every stage, from the archived answer to
the published release), against the floor of one process importing what the pipeline needs most
(pandas, pyarrow, frictionless and pandera).

Each run is a new process. The two commands alternate, so that whatever else the machine is doing
weighs on both alike; the figure reported is the ratio of their medians.

    python benchmarks/rebuild.py [--runs 5] [--repo .]

Target: at most 3 (a forced rebuild of every stage costs at most three such imports).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

FLOOR = [sys.executable, "-c", "import pandas, pyarrow, frictionless, pandera.pandas"]


def seconds(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


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
    result = {
        "runs": args.runs,
        "rebuild_median_s": round(statistics.median(times["rebuild"]), 3),
        "floor_median_s": round(statistics.median(times["floor"]), 3),
        "ratio": round(statistics.median(times["rebuild"]) / statistics.median(times["floor"]), 2),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(
            f"dvc repro --force {result['rebuild_median_s']:.3f} s, import floor {result['floor_median_s']:.3f} s "
            f"(medians of {args.runs} runs): ratio {result['ratio']:.2f} [{result['machine']}; Python {result['python']}]"
        )
    return result


if __name__ == "__main__":
    main()
