"""The loaded courses of a folder, kept on disk so that a worker starts without parsing.

Parsing and sanitising every module and question (markdown-it, nh3) took most of the
start-up time; the result depends only on the course files, the folder's place and URL,
and the code that reads them. So the catalog keeps what `load_courses` returned in a
file named after a hash of exactly those (see `key()`), and a start with unchanged files
and unchanged code reads that file instead. Everything else falls back to parsing: a
changed file or renderer gives another key, and a file that cannot be read or does not
hold what it should is ignored (and replaced).

The file is a pickle. It lives in the instance folder, which only the app's user can
write and which holds the secret key and the signing keys already: whoever can replace
this file can replace those. Several workers may write it at the same moment: each
writes a temporary file of its own and renames it into place, so a reader sees a whole
file or none.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import secrets
import sys
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from .course import Course, Problem

log = logging.getLogger(__name__)

# Raise when the layout of what is stored changes in a way the code hash does not show.
FORMAT = 1
# The modules whose code decides what the loader makes of the files.
READER_MODULES = (
    "cache",
    "course",
    "frontmatter",
    "layout",
    "loader",
    "markdown",
    "media",
    "pool",
    "questions",
    "reading",
)
# The libraries whose output ends up in the stored HTML.
LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "nh3", "PyYAML")

Loaded = tuple[dict[str, Course], list[Problem]]


@lru_cache(maxsize=1)
def reader_version() -> str:
    """A hash of the reading code and the libraries' versions: a new release of either
    gives new keys, so nothing rendered by an older renderer is served."""
    digest = hashlib.sha256(f"{FORMAT}\0{sys.version}\0{pickle.HIGHEST_PROTOCOL}\0".encode())
    here = Path(__file__).parent
    for name in READER_MODULES:
        digest.update(name.encode() + b"\0" + (here / f"{name}.py").read_bytes() + b"\0")
    for library in LIBRARIES:
        try:
            version = metadata.version(library)
        except metadata.PackageNotFoundError:
            version = "missing"
        digest.update(f"{library}={version}\0".encode())
    return digest.hexdigest()


def place(root: Path, url_base: str, additions: Path | None) -> str:
    """Names one catalog's files: the same folder served under another URL is another
    course (its links differ), and so are other additions."""
    text = f"{root}\0{url_base}\0{additions or ''}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def key(root: Path, url_base: str, additions: Path | None) -> str:
    """A hash over everything the loader reads: every file (path and bytes) in the
    folders it loads courses from, the folders' names, the place and the reader."""
    digest = hashlib.sha256(f"{reader_version()}\0{place(root, url_base, additions)}\0".encode())
    for folder in (root, additions):
        if folder is None or not folder.is_dir():
            digest.update(b"-\0")
            continue
        # The loader never reads hidden folders ('.git', '_additions-template') or files
        # beside the course folders, so they do not count (a large .git stays unread).
        for course_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
            if course_dir.name.startswith((".", "_")):
                continue
            digest.update(b"d" + course_dir.name.encode() + b"\0")
            for path in sorted(p for p in course_dir.rglob("*") if p.is_file()):
                relative = path.relative_to(folder).as_posix()
                digest.update(b"f" + relative.encode() + b"\0")
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:32]


def load(root: Path, url_base: str, additions: Path | None, cache_dir: Path, parse) -> Loaded:
    """What `parse()` (the loader) returns for these folders, from the cache when it holds
    this state of the files, else parsed and stored for the next start."""
    try:
        name = f"{place(root, url_base, additions)}-{key(root, url_base, additions)}.pickle"
    except OSError as error:  # a file vanished while hashing (an editor's temporary file)
        log.warning("course files changed while hashing them (%s); parsing the courses", error)
        return parse()
    stored = _read(cache_dir / name)
    if stored is not None:
        return stored
    loaded = parse()
    _write(cache_dir, name, loaded)
    return loaded


def _read(path: Path) -> Loaded | None:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        log.warning("course cache %s not readable (%s); parsing the courses", path, error)
        return None
    try:
        stored = pickle.loads(data)
    except Exception as error:  # a truncated or foreign file: any error means "not usable"
        log.warning("course cache %s is damaged (%s); parsing the courses", path, error)
        return None
    if not _well_formed(stored):
        log.warning("course cache %s holds something else; parsing the courses", path)
        return None
    _format, courses, problems = stored
    return courses, problems


def _well_formed(stored) -> bool:
    if not (isinstance(stored, tuple) and len(stored) == 3 and stored[0] == FORMAT):
        return False
    _format, courses, problems = stored
    return (
        isinstance(courses, dict)
        and all(isinstance(c, Course) and c.slug == s for s, c in courses.items())
        and isinstance(problems, list)
        and all(isinstance(p, Problem) for p in problems)
    )


def _write(cache_dir: Path, name: str, loaded: Loaded) -> None:
    """Store under `name` and remove this place's older files. Never fails the start:
    without a cache the next start parses again."""
    courses, problems = loaded
    temporary = cache_dir / f".{name}.{secrets.token_hex(6)}.tmp"
    try:
        data = pickle.dumps((FORMAT, courses, problems), pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError) as error:
        log.warning("the courses cannot be kept in the course cache (%s)", error)
        return
    try:
        cache_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        # 0600 like the database: only the app's user reads what it will unpickle.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, cache_dir / name)  # atomic: readers see all of it or nothing
    except OSError as error:
        log.warning("could not write the course cache in %s (%s)", cache_dir, error)
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        return
    prefix = name.split("-", 1)[0] + "-"
    for old in cache_dir.glob(f"{prefix}*.pickle"):
        if old.name != name:
            with contextlib.suppress(OSError):  # else removed next time
                old.unlink(missing_ok=True)  # an older state of the same folder
