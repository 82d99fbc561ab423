"""The one lock of every Python dependency: requirements.lock, each package pinned with its sha256,
in one section per role, and the roles' sections picked out for installing.

    python scripts/lock.py select ROLE > FILE   # the sections up to ROLE, for pip --require-hashes
    python scripts/lock.py write [--keep]       # resolve pyproject.toml again (make lock)
    python scripts/lock.py env NAME REQ|@FILE... [--keep]  # requirements-NAME.lock, a test tool's own environment

The roles, in order: bootstrap (pip and the build backend), loader (the package's own
dependencies), then the optional dependencies of pyproject.toml: validate, pipeline, portal,
test. Each package stands in the section of the first role that needs it, so the sections up to
a role hold exactly what that role needs: ``select pipeline`` is what ``make release`` installs,
``select test`` what ``make test`` installs.

``write`` resolves every role once (``pip install --dry-run --report`` in a throw-away virtual
environment: pip's own resolver), takes each package's sha256 from pip's report, and with
``--keep`` keeps the version of every package the current lock already pins. Standard library only:
it runs before anything is installed.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"
ROLES = ["bootstrap", "loader", "validate", "pipeline", "portal", "test"]
PIP = "pip==26.3"  # the installer itself, pinned
SECTION = re.compile(r"^# \[role: ([a-z]+)\]$")
PIN = re.compile(r"^([A-Za-z0-9._-]+)==(\S+) --hash=sha256:([0-9a-f]{64})$")


def sections(text: str) -> dict[str, list[str]]:
    """The lock's requirement lines by role.

    >>> sections("# [role: loader]\\na==1 --hash=sha256:" + "0" * 64 + "\\n# [role: test]\\n")
    {'loader': ['a==1 --hash=sha256:0000000000000000000000000000000000000000000000000000000000000000'], 'test': []}
    """
    out: dict[str, list[str]] = {}
    role = None
    for line in text.splitlines():
        if m := SECTION.match(line):
            role = m.group(1)
            out[role] = []
        elif line.strip() and not line.startswith("#"):
            if role is None or not PIN.match(line):
                raise SystemExit(f"{LOCK.name}: not a pinned, hashed requirement in a role's section: {line!r}")
            out[role].append(line)
    return out


def select(role: str, text: str) -> str:
    """The requirement lines of every section up to and including ``role``."""
    if role not in ROLES:
        raise SystemExit(f"unknown role {role!r}; the roles are: {', '.join(ROLES)}")
    found = sections(text)
    missing = [r for r in ROLES if r not in found]
    if missing:
        raise SystemExit(f"{LOCK.name} has no section for the role(s) {', '.join(missing)}: run make lock")
    return "\n".join(line for r in ROLES[: ROLES.index(role) + 1] for line in found[r]) + "\n"


def _requirements(role: str) -> list[str]:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    if role == "bootstrap":
        return [PIP, *pyproject["build-system"]["requires"]]
    return [str(ROOT) if role == "loader" else f"{ROOT}[{role}]"]


def _resolve(python: Path, requirements: list[str], constraints: Path | None) -> dict[str, tuple[str, str]]:
    """name -> (version, sha256) of everything ``requirements`` needs, as pip resolves it."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        command = [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--dry-run",
            "--ignore-installed",
            "--disable-pip-version-check",
            "--report",
            str(report),
            *requirements,
        ]
        if constraints is not None:
            command += ["-c", str(constraints)]
        subprocess.run(command, check=True)
        installs = json.loads(report.read_text())["install"]
    resolved = {}
    for item in installs:
        name = item["metadata"]["name"].lower().replace("_", "-")
        if name == "stalking-flanders":
            continue
        digest = item["download_info"].get("archive_info", {}).get("hashes", {}).get("sha256")
        if digest is None:
            raise SystemExit(f"pip reports no sha256 for {name}: it cannot be pinned by hash")
        resolved[name] = (item["metadata"]["version"], digest)
    return resolved


def _resolver(tmp: str) -> Path:
    """A throw-away virtual environment with the pinned pip: its python."""
    venv = Path(tmp) / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", PIP], check=True)
    return python


def _kept(lock: Path, keep: bool, tmp: str) -> Path:
    """A constraints file with every version ``lock`` pins now (empty without ``keep``)."""
    constraints = Path(tmp) / "constraints.txt"
    kept = re.findall(r"(?m)^[A-Za-z0-9._-]+==[^\s;]+", lock.read_text()) if keep and lock.exists() else []
    constraints.write_text("\n".join(kept) + "\n")
    return constraints


def write_env(name: str, requirements: list[str], keep: bool) -> None:
    """requirements-NAME.lock: the environment of a test tool whose dependencies clash with the
    project's, every package pinned with its sha256 (pip and setuptools come from the bootstrap)."""
    lock = ROOT / f"requirements-{name}.lock"
    with tempfile.TemporaryDirectory() as tmp:
        python = _resolver(tmp)
        resolved = _resolve(python, requirements, _kept(lock, keep, tmp))
    lines = [f"{n}=={v} --hash=sha256:{h}\n" for n, (v, h) in sorted(resolved.items()) if n not in ("pip", "setuptools")]
    lock.write_text(
        f"# The environment .venv-{name} ({' '.join(r.replace(str(ROOT) + '/', '') for r in requirements)}), every "
        "package pinned with its\n"
        f"# sha256. Made by `make lock` (scripts/lock.py env); installed with pip --require-hashes.\n" + "".join(lines)
    )


def write(keep: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        python = _resolver(tmp)
        constraints = _kept(LOCK, keep, tmp)
        everything = _resolve(python, [req for role in ROLES for req in _requirements(role)], constraints)
        constraints.write_text("".join(f"{n}=={v}\n" for n, (v, _) in sorted(everything.items())))
        placed: set[str] = set()
        out = [
            "# Every Python dependency of every role, pinned with its sha256. Made by `make lock`\n"
            "# (scripts/lock.py) from pyproject.toml; installed with pip --require-hashes.\n"
        ]
        for role in ROLES:
            needed = set(_resolve(python, _requirements(role), constraints)) if role != "test" else set(everything)
            if role != "bootstrap":
                needed |= placed  # a later role needs what the earlier ones need
            out.append(f"# [role: {role}]\n")
            out += [f"{n}=={everything[n][0]} --hash=sha256:{everything[n][1]}\n" for n in sorted(needed - placed)]
            placed |= needed
    LOCK.write_text("".join(out))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    pick = sub.add_parser("select", help="print the pinned requirements of the sections up to ROLE")
    pick.add_argument("role", choices=ROLES)
    again = sub.add_parser("write", help="resolve pyproject.toml again and write requirements.lock")
    again.add_argument("--keep", action="store_true", help="keep the versions the current lock pins")
    env = sub.add_parser("env", help="write requirements-NAME.lock for a test tool's own environment")
    env.add_argument("name")
    env.add_argument("requirements", nargs="+", help="requirements, or a requirements file as @FILE")
    env.add_argument("--keep", action="store_true", help="keep the versions the current lock pins")
    args = parser.parse_args(argv)
    if args.command == "select":
        sys.stdout.write(select(args.role, LOCK.read_text(encoding="utf-8")))
    elif args.command == "env":
        requirements = [r for req in args.requirements for r in (["-r", str(ROOT / req[1:])] if req.startswith("@") else [req])]
        write_env(args.name, requirements, args.keep)
    else:
        write(args.keep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
