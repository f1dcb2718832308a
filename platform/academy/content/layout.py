"""How a course folder is laid out: the names its folder and module files may have.

Apart from the loader, so that the web layer can check a slug in a URL without loading
the Markdown reader (start-up takes the courses from the cache and never needs it).
"""

from __future__ import annotations

import re

MODULE_FILE = re.compile(r"^(\d{1,3})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
COURSE_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
