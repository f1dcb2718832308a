"""The exam form: questions are drawn per attempt, so answers are read from the raw form."""

from __future__ import annotations

from flask import request
from flask_wtf import FlaskForm

from .grading import DrawnQuestion

PREFIX = "q-"


class ExamForm(FlaskForm):
    """CSRF protection; the answers come as fields named q-<question id>."""

    def answers(self) -> dict[str, frozenset[str]]:
        """Every q-… field of the request, including ones that were not drawn (so they
        can be refused), mapped to the chosen option ids."""
        return {
            key.removeprefix(PREFIX): frozenset(request.form.getlist(key))
            for key in request.form
            if key.startswith(PREFIX)
        }


def field_name(question: DrawnQuestion) -> str:
    return PREFIX + question.id
