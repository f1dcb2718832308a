"""Forms shared by several domains."""

from flask import request
from flask_wtf import FlaskForm


class ConfirmForm(FlaskForm):
    """A button that changes state: only the CSRF token is checked."""


def list_params() -> tuple[str, int]:
    """The search text and page number of a list page (?q=…&page=…), bounded."""
    search = request.args.get("q", "")[:100]
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    return search, page
