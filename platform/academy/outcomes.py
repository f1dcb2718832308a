"""Refusals: a service says *why* it will not do something as a typed reason.

Each domain subclasses `Refused` with its own `StrEnum` of reasons and one table of
user-facing messages, so views never compare strings and every message lives in one
place per domain. A service raises before it writes, or undoes its writes (savepoint)
before raising: a view commits on success only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from functools import wraps
from typing import Any, ClassVar, ParamSpec, TypeVar

from .extensions import db

P = ParamSpec("P")
R = TypeVar("R")


class Refused(Exception):
    """A rule refused the request; `reason` says which, `message` what to tell the user."""

    messages: ClassVar[Mapping[Any, Any]] = {}  # reason -> lazy gettext string

    def __init__(self, reason: StrEnum, **details: Any):
        super().__init__(str(reason))
        self.reason = reason
        self.details = details

    @property
    def message(self) -> str:
        text = str(self.messages[self.reason])
        return text % self.details if self.details else text


def all_or_nothing(service: Callable[P, R]) -> Callable[P, R]:
    """Run a service in a savepoint, so that a refusal (or any error) raised after its
    first write leaves nothing pending in the session."""

    @wraps(service)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with db.session.begin_nested():
            return service(*args, **kwargs)

    return run
