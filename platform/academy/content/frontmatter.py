"""YAML front matter: split it off a Markdown file and check it against a schema.

Every problem carries the line it was found on, which is why this does not use a
front-matter library: they return values, not where the values stood.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date
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
    # Another language edition of that course: the two share one exam's attempt limits.
    "edition_of": Field("text", required=False, default=None),
    "reveal_answers": Field(
        "text", required=False, default="after_pass", choices=("always", "after_pass", "never")
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
        message = "missing front matter: start the file with a '---' line"
        return None, text, 1, [Problem(path, 1, message, code="no_front_matter")]
    for index, line in enumerate(lines[1:], start=1):
        if line.rstrip() == "---":
            return "".join(lines[1:index]), "".join(lines[index + 1 :]), index + 2, []
    message = "front matter is not closed: add a '---' line after it"
    return None, text, 1, [Problem(path, 1, message, code="front_matter_open")]


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
                message = f"missing front-matter key '{key}'"
                problems.append(Problem(path, 1, message, code="missing_key", params={"key": key}))
            values[key] = field.default
            continue
        value, wrong = _check(key, raw[key], field)
        if wrong:
            code, message, params = wrong
            problems.append(Problem(path, lines[key], message, code=code, params=params))
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
            message = "front matter must consist of 'key: value' lines"
            return None, {}, [Problem(path, line, message, code="front_matter_not_mapping")]
        raw: dict[str, Any] = {}
        lines: dict[str, int] = {}
        problems: list[Problem] = []
        for key_node, value_node in node.value:
            key, line = str(key_node.value), key_node.start_mark.line + 2
            if key in raw:
                message = f"duplicate front-matter key '{key}'"
                params = {"key": key}
                problems.append(Problem(path, line, message, code="duplicate_key", params=params))
            raw[key] = loader.construct_object(value_node, deep=True)
            lines[key] = line
        return raw, lines, problems
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 2
        reason = getattr(error, "problem", None) or str(error)
        message = f"front matter is not valid YAML: {reason}"
        params = {"reason": reason}
        return None, {}, [Problem(path, line, message, code="invalid_yaml", params=params)]
    finally:
        loader.dispose()


def _unknown_keys(path: Path, raw: dict, lines: dict[str, int], schema: dict) -> list[Problem]:
    problems = []
    for key in raw:
        if key not in schema:
            close = difflib.get_close_matches(key, schema, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            message = f"unknown front-matter key '{key}'{hint}"
            params = {"key": key, "hint": close[0]} if close else {"key": key}
            code = "unknown_key_hint" if close else "unknown_key"
            problems.append(Problem(path, lines[key], message, code=code, params=params))
    return problems


Wrong = tuple[str, str, dict]  # code, English message, its parameters


def _wrong(default: Any, code: str, message: str, **params: Any) -> tuple[Any, Wrong]:
    return default, (code, message, params)


def _check(key: str, value: Any, field: Field) -> tuple[Any, Wrong | None]:
    """Return the value (or the default when wrong) and what is wrong, or None."""
    if field.kind == "text":
        if isinstance(value, (int, float, date)) and not isinstance(value, bool):
            value = value.isoformat() if isinstance(value, date) else str(value)
        if not isinstance(value, str) or not value.strip():
            return _wrong(field.default, "not_text", f"'{key}' must be a non-empty text", key=key)
        if field.choices and value not in field.choices:
            choices = ", ".join(field.choices)
            message = f"'{key}' must be one of: {choices}"
            return _wrong(field.default, "not_choice", message, key=key, choices=choices)
        return value.strip(), None
    if field.kind == "bool":
        if not isinstance(value, bool):
            message = f"'{key}' must be true or false, not {value!r}"
            return _wrong(field.default, "not_bool", message, key=key, value=repr(value))
        return value, None
    if field.kind == "texts":
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(v, str) and v.strip() for v in value)
        ):
            message = f"'{key}' must be a list of at least one text (lines starting with '- ')"
            return _wrong((), "not_texts", message, key=key)
        return tuple(v.strip() for v in value), None
    return _check_int(key, value, field)


def _check_int(key: str, value: Any, field: Field) -> tuple[Any, Wrong | None]:
    if isinstance(value, bool) or not isinstance(value, int):
        message = f"'{key}' must be a whole number, not {value!r}"
        return _wrong(field.default, "not_int", message, key=key, value=repr(value))
    low, high = field.minimum, field.maximum
    if low is not None and high is not None and not low <= value <= high:
        message = f"'{key}' must be between {low} and {high}"
        return _wrong(field.default, "not_between", message, key=key, low=low, high=high)
    if low is not None and value < low:
        message = f"'{key}' must be at least {low}"
        return _wrong(field.default, "too_small", message, key=key, low=low)
    if high is not None and value > high:
        message = f"'{key}' must be at most {high}"
        return _wrong(field.default, "too_large", message, key=key, high=high)
    return value, None
