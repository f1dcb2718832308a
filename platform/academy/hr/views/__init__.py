"""The HR area's pages under /hr: one blueprint, its views split by topic."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("hr", __name__, url_prefix="/hr")

# The modules add their routes to bp (imported after bp exists).
from . import dashboard, files, invitations, organisation, people  # noqa: E402, F401
