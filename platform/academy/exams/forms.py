"""Reading the exam form: questions are drawn per attempt, so there is no fixed form
class; the answers come as fields named q-<question id>."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

PREFIX = "q-"


def submitted_answers(form: MultiDict) -> dict[str, frozenset[str]]:
    """Every q-… field, including ones that were not drawn (so they can be refused),
    mapped to the chosen option ids."""
    return {
        key.removeprefix(PREFIX): frozenset(form.getlist(key))
        for key in form
        if key.startswith(PREFIX)
    }
