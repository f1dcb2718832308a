"""Entry point: `flask --app app …`, `gunicorn app:app`, or `python app.py` (development)."""

import gc
import os
import sys
from pathlib import Path

# The package lives in platform/ (a source folder, not a package); make it importable
# even without `pip install -e .`.
sys.path.insert(0, str(Path(__file__).resolve().parent / "platform"))

# A worker's start makes some 200,000 objects that live as long as the process (modules,
# classes, mapped tables, prepared statements, the courses). The cycle collector scanned
# them over and over while they were being made, about 15 % of the start's CPU, and
# found almost nothing (under a thousand objects). So it pauses during the start; then
# gc.freeze() sets them aside for good, and a full collection while serving scans only
# what requests made (about a quarter of the time it took; about 2.5 ms less per exam).
gc.disable()

from academy.config import ConfigError  # noqa: E402
from academy.factory import create_app  # noqa: E402

try:
    app = create_app()
except ConfigError as error:
    print(f"configuration error: {error}", file=sys.stderr)
    # Under gunicorn, 3 ("worker failed to boot") makes its master stop, instead of
    # starting new workers that fail the same way for ever.
    sys.exit(3 if "gunicorn" in os.environ.get("SERVER_SOFTWARE", "") else 1)
gc.freeze()
gc.enable()

if __name__ == "__main__":
    app.run(host="127.0.0.1", port=5000, debug=app.config["SETTINGS"].env == "development")
