"""Entry point: `flask --app app …`, `gunicorn app:app`, or `python app.py` (development)."""

import sys
from pathlib import Path

# The package lives in platform/ (a source folder, not a package); make it importable
# even without `pip install -e .`.
sys.path.insert(0, str(Path(__file__).resolve().parent / "platform"))

from academy.config import ConfigError
from academy.factory import create_app

try:
    app = create_app()
except ConfigError as error:
    sys.exit(f"configuration error: {error}")

if __name__ == "__main__":
    app.run(host="127.0.0.1", port=5000, debug=app.config["SETTINGS"].env == "development")
