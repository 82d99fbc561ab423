"""Cold start of loading a table with the loader, against the floor of pandas reading the same file.

Each run is a new Python process. The two commands alternate, so that whatever else the machine
is doing weighs on both alike; the figure reported is the ratio of their medians.

    python benchmarks/cold_start.py [--runs 30] [--table observations]

Target: at most 1.10 (the loader costs at most 10 % more than reading the file with pandas).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

from stalking_flanders.datapackage import DataPackage


def seconds(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - start


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="runs of each command (default 30)")
    parser.add_argument("--table", default="observations", help="the table to load (default observations)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    release = DataPackage()
    path = release.path(release.resource(args.table))
    loader = f"import stalking_flanders as s; s.load({args.table!r})"
    floor = f"import pandas as pd; pd.read_csv({str(path)!r})"
    seconds(loader), seconds(floor)  # warm the file-system cache for both
    times = {"loader": [], "floor": []}
    for _ in range(args.runs):
        times["floor"].append(seconds(floor))
        times["loader"].append(seconds(loader))
    import pandas

    result = {
        "table": args.table,
        "runs": args.runs,
        "loader_median_s": round(statistics.median(times["loader"]), 4),
        "floor_median_s": round(statistics.median(times["floor"]), 4),
        "ratio": round(statistics.median(times["loader"]) / statistics.median(times["floor"]), 3),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "pandas": pandas.__version__,
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(
            f"loader {result['loader_median_s']:.4f} s, pandas floor {result['floor_median_s']:.4f} s "
            f"(medians of {args.runs} runs): ratio {result['ratio']:.3f} "
            f"[{result['machine']}; Python {result['python']}, pandas {result['pandas']}]"
        )
    return result


if __name__ == "__main__":
    main()
