"""Forms shared by several domains."""

from flask_wtf import FlaskForm


class ConfirmForm(FlaskForm):
    """A button that changes state: only the CSRF token is checked."""
