"""`flask --app app courses check [PATH]`: the trainer's checker."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ..content import Problem

courses_cli = AppGroup("courses", help="Check and list courses.")


@courses_cli.command("check")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option(
    "--additions",
    type=click.Path(path_type=Path, file_okay=False),
    help="Company additions to check with the courses (default: COURSE_ADDITIONS_DIR).",
)
def check(path: Path | None, additions: Path | None) -> None:
    """Check one course folder, or every course in a folder (default: COURSES_DIR),
    together with the company's additions to them.

    Prints each problem as file:line: message; exits with 1 when there is an error.
    """
    # Imported here: the serving app takes its courses from the cache and need not load
    # the Markdown reader at all; the checker always reads every file.
    from ..content.loader import additions_for, load_course, load_courses

    settings = current_app.config["SETTINGS"]
    root = path or settings.courses_dir
    additions = additions or settings.course_additions_dir
    for folder in (root, additions):
        if folder is not None and not folder.exists():
            raise click.UsageError(f"not found: {folder}")
    if (root / "course.md").exists() or any(root.glob("[0-9]*-*.md")):
        course, problems = load_course(root, additions=additions_for(additions, root.name))
        names = [course.slug] if course else []
    else:
        courses, problems = load_courses(root, additions=additions)
        names = sorted(courses)
    _report(problems, names)


def _report(problems: list[Problem], loaded: list[str]) -> None:
    base = Path.cwd()
    for problem in sorted(problems, key=lambda p: (str(p.path), p.line)):
        click.echo(problem.format(base))
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    summary = f"{len(loaded)} course(s) OK: {', '.join(loaded)}" if loaded else "no course OK"
    click.echo(f"{summary}; {errors} error(s), {warnings} warning(s)", err=True)
    if errors:
        raise SystemExit(1)
