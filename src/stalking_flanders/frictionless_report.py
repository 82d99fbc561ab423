"""The one adapter from a Frictionless validation report to this package's problems."""

from __future__ import annotations

from pathlib import Path

from .problems import MAX_PROBLEMS_KEPT, Problem


def frictionless_problems(
    descriptor: Path, skip: frozenset[str] = frozenset(), per_resource: int = MAX_PROBLEMS_KEPT
) -> list[Problem]:
    """Every error Frictionless reports for the data package at ``descriptor`` (a
    ``datapackage.json``), as problems with code ``frictionless/<type>``, the first
    ``per_resource`` of each resource (Frictionless stops a resource's check there); error types
    in ``skip`` are left out (where this package checks the same thing itself)."""
    from frictionless import validate

    report = validate(str(descriptor), limit_errors=per_resource)
    problems = [
        Problem(f"frictionless/{error.type}", str(descriptor), f"Frictionless: {error.message}")
        for error in report.errors
        if error.type not in skip
    ]
    for task in report.tasks:
        for error in task.errors:
            if error.type in skip:
                continue
            problems.append(
                Problem(
                    f"frictionless/{error.type}",
                    str(Path(descriptor).parent / str(task.place or task.name)),
                    f"Frictionless: {error.message}",
                    getattr(error, "row_number", None),
                    getattr(error, "field_name", None),
                    found=getattr(error, "cell", None),
                )
            )
    return problems
