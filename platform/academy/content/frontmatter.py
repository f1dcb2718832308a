"""YAML front matter: split it off a Markdown file and check it against a schema.

Every problem carries the line it was found on, which is why this does not use a
front-matter library: they return values, not where the values stood.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from .course import Problem

Kind = Literal["text", "int", "bool", "texts"]


@dataclass(frozen=True)
class Field:
    kind: Kind
    required: bool = True
    default: Any = None
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()


COURSE_FIELDS: dict[str, Field] = {
    "title": Field("text"),
    "summary": Field("text"),
    "language": Field("text", choices=("de", "en")),
    "certificate_title": Field("text"),
    "pass_mark": Field("int", minimum=1, maximum=100),
    "exam_questions": Field("int", minimum=1),
    "validity_months": Field("int", minimum=1, maximum=120),
    # The edition ("Stand") a certificate names next to the version hash, e.g. "November 2026".
    "as_of": Field("text", required=False, default=""),
    "draft": Field("bool", required=False, default=False),
    "reveal_answers": Field(
        "text", required=False, default="always", choices=("always", "after_pass", "never")
    ),
    "show_correct_answers": Field("bool", required=False, default=None),  # older switch
    "retake_cooldown_minutes": Field("int", required=False, default=0, minimum=0),
    "max_attempts_per_day": Field("int", required=False, default=3, minimum=1),
    "time_limit_minutes": Field("int", required=False, default=None, minimum=1),
    "exam_requires_modules": Field("bool", required=False, default=True),
}

MODULE_FIELDS: dict[str, Field] = {
    "title": Field("text"),
    # Optional: the reading time is computed from the text (reading.py); an explicit value
    # is for modules whose text understates the time, e.g. with a video or an exercise.
    "minutes": Field("int", required=False, default=None, minimum=1, maximum=600),
    "objectives": Field("texts"),
}


@dataclass(frozen=True)
class FrontMatter:
    values: dict[str, Any]
    lines: dict[str, int]  # key -> line in the file, for later problems about a value
    body: str
    body_line: int  # line number of the body's first line


def split(path: Path, text: str) -> tuple[str | None, str, int, list[Problem]]:
    """Return (YAML text, body, first body line, problems)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        return (
            None,
            text,
            1,
            [Problem(path, 1, "missing front matter: start the file with a '---' line")],
        )
    for index, line in enumerate(lines[1:], start=1):
        if line.rstrip() == "---":
            return "".join(lines[1:index]), "".join(lines[index + 1 :]), index + 2, []
    return (
        None,
        text,
        1,
        [Problem(path, 1, "front matter is not closed: add a '---' line after it")],
    )


def parse(
    path: Path, text: str, schema: dict[str, Field]
) -> tuple[FrontMatter | None, list[Problem]]:
    yaml_text, body, body_line, problems = split(path, text)
    if yaml_text is None:
        return None, problems
    raw, lines, problems = _load_yaml(path, yaml_text)
    if raw is None:
        return None, problems
    problems += _unknown_keys(path, raw, lines, schema)
    values: dict[str, Any] = {}
    for key, field in schema.items():
        if key not in raw:
            if field.required:
                problems.append(Problem(path, 1, f"missing front-matter key '{key}'"))
            values[key] = field.default
            continue
        value, message = _check(key, raw[key], field)
        if message:
            problems.append(Problem(path, lines[key], message))
        values[key] = value
    return FrontMatter(values, lines, body, body_line), problems


def _load_yaml(path: Path, yaml_text: str) -> tuple[dict | None, dict[str, int], list[Problem]]:
    loader = yaml.SafeLoader(yaml_text)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}, {}, []
        if not isinstance(node, yaml.MappingNode):
            line = node.start_mark.line + 2
            return (
                None,
                {},
                [Problem(path, line, "front matter must consist of 'key: value' lines")],
            )
        raw: dict[str, Any] = {}
        lines: dict[str, int] = {}
        problems: list[Problem] = []
        for key_node, value_node in node.value:
            key, line = str(key_node.value), key_node.start_mark.line + 2
            if key in raw:
                problems.append(Problem(path, line, f"duplicate front-matter key '{key}'"))
            raw[key] = loader.construct_object(value_node, deep=True)
            lines[key] = line
        return raw, lines, problems
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 2
        reason = getattr(error, "problem", None) or str(error)
        return None, {}, [Problem(path, line, f"front matter is not valid YAML: {reason}")]
    finally:
        loader.dispose()


def _unknown_keys(path: Path, raw: dict, lines: dict[str, int], schema: dict) -> list[Problem]:
    problems = []
    for key in raw:
        if key not in schema:
            close = difflib.get_close_matches(key, schema, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            problems.append(Problem(path, lines[key], f"unknown front-matter key '{key}'{hint}"))
    return problems


def _check(key: str, value: Any, field: Field) -> tuple[Any, str | None]:
    """Return the value (or the default when wrong) and an error message or None."""
    if field.kind == "text":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            return field.default, f"'{key}' must be a non-empty text"
        if field.choices and value not in field.choices:
            return field.default, f"'{key}' must be one of: {', '.join(field.choices)}"
        return value.strip(), None
    if field.kind == "bool":
        if not isinstance(value, bool):
            return field.default, f"'{key}' must be true or false, not {value!r}"
        return value, None
    if field.kind == "texts":
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(v, str) and v.strip() for v in value)
        ):
            return (), f"'{key}' must be a list of at least one text (lines starting with '- ')"
        return tuple(v.strip() for v in value), None
    return _check_int(key, value, field)


def _check_int(key: str, value: Any, field: Field) -> tuple[Any, str | None]:
    if isinstance(value, bool) or not isinstance(value, int):
        return field.default, f"'{key}' must be a whole number, not {value!r}"
    low, high = field.minimum, field.maximum
    if low is not None and high is not None and not low <= value <= high:
        return field.default, f"'{key}' must be between {low} and {high}"
    if low is not None and value < low:
        return field.default, f"'{key}' must be at least {low}"
    if high is not None and value > high:
        return field.default, f"'{key}' must be at most {high}"
    return value, None
