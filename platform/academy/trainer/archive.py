"""A course's files in memory, as zip archives, and reading a trainer's upload safely.

Pure: no Flask, no database. `Files` maps a path inside the course folder ("exam.md",
"images/chart.png") to the file's bytes.
"""

from __future__ import annotations

import io
import re
import stat
import zipfile
import zlib
from enum import StrEnum
from pathlib import Path, PurePosixPath

Files = dict[str, bytes]

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # the .zip as sent
MAX_FILES = 300
MAX_FILE_BYTES = 5 * 1024 * 1024  # one file, unpacked
MAX_TOTAL_BYTES = 30 * 1024 * 1024  # all files, unpacked
MAX_RATIO = 100  # unpacked / packed size of one file; Markdown packs about 3:1, images 1:1
RATIO_FROM_BYTES = 256 * 1024  # small files may pack well without harm
SUFFIXES = frozenset({".md", ".txt", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".pdf"})
TEXT_SUFFIXES = frozenset({".md", ".txt"})
FORBIDDEN_CHARACTERS = re.compile(r'[\x00-\x1f\x7f:*?"<>|]')
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the same files always give the same archive


class ArchiveRefusal(StrEnum):
    NOT_A_ZIP = "not_a_zip"
    TOO_LARGE = "too_large"  # the upload itself
    TOO_MANY_FILES = "too_many_files"
    ABSOLUTE_PATH = "absolute_path"
    PATH_ESCAPES = "path_escapes"
    BAD_NAME = "bad_name"
    SYMLINK = "symlink"
    ENCRYPTED = "encrypted"
    FILE_TOO_LARGE = "file_too_large"
    TOTAL_TOO_LARGE = "total_too_large"
    ZIP_BOMB = "zip_bomb"
    FILE_TYPE = "file_type"
    DUPLICATE = "duplicate"
    NO_COURSE = "no_course"


class BadArchive(Exception):
    """The upload is refused; `reason` says why, `details` name the file and the limit."""

    def __init__(self, reason: ArchiveRefusal, **details: object):
        super().__init__(str(reason))
        self.reason = reason
        self.details = details


def read_folder(folder: Path) -> Files:
    """Every file of a course folder except hidden ones (as the course version counts them)."""
    files: Files = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and not any(part.startswith(".") for part in relative.parts):
            files[relative.as_posix()] = path.read_bytes()
    return files


def pack(files: Files) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            archive.writestr(info, files[name], zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def unpack(data: bytes) -> Files:
    """An archive this module packed (from the database): trusted."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def is_text(name: str) -> bool:
    return PurePosixPath(name).suffix.lower() in TEXT_SUFFIXES


def read_upload(data: bytes) -> Files:
    """The course folder inside an uploaded .zip, checked before anything is unpacked to
    disk: paths must stay inside the folder, no links, allowed file types, bounded sizes.
    A single top folder (as "Send to > Compressed folder" makes) is taken as the course."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise BadArchive(ArchiveRefusal.TOO_LARGE, limit=_megabytes(MAX_UPLOAD_BYTES))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            files = _read_entries(archive)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError):
        raise BadArchive(ArchiveRefusal.NOT_A_ZIP) from None
    files = _without_top_folder(files)
    if "course.md" not in files:
        raise BadArchive(ArchiveRefusal.NO_COURSE)
    return files


def _read_entries(archive: zipfile.ZipFile) -> Files:
    entries = [i for i in archive.infolist() if not i.is_dir() and not _ignored(i.filename)]
    if len(entries) > MAX_FILES:
        raise BadArchive(ArchiveRefusal.TOO_MANY_FILES, count=len(entries), limit=MAX_FILES)
    for info in entries:  # every entry is checked before the first is unpacked
        _check_entry(info)
    files: Files = {}
    total = 0
    for info in entries:
        name = safe_name(info.filename)
        if name in files:
            raise BadArchive(ArchiveRefusal.DUPLICATE, name=name)
        files[name] = _read_bounded(archive, info, name)
        total += len(files[name])
        if total > MAX_TOTAL_BYTES:
            raise BadArchive(ArchiveRefusal.TOTAL_TOO_LARGE, limit=_megabytes(MAX_TOTAL_BYTES))
    return files


def _ignored(name: str) -> bool:
    """What operating systems add to archives on their own: never part of a course."""
    parts = name.replace("\\", "/").split("/")
    return parts[0] == "__MACOSX" or any(p.startswith(".") and p not in (".", "..") for p in parts)


def _check_entry(info: zipfile.ZipInfo) -> None:
    name = safe_name(info.filename)
    if stat.S_ISLNK(info.external_attr >> 16):
        raise BadArchive(ArchiveRefusal.SYMLINK, name=name)
    if info.flag_bits & 0x1:
        raise BadArchive(ArchiveRefusal.ENCRYPTED, name=name)
    if PurePosixPath(name).suffix.lower() not in SUFFIXES:
        allowed = ", ".join(sorted(SUFFIXES))
        raise BadArchive(ArchiveRefusal.FILE_TYPE, name=name, allowed=allowed)
    if _bomb(info.file_size, info.compress_size):
        raise BadArchive(ArchiveRefusal.ZIP_BOMB, name=name)
    if info.file_size > MAX_FILE_BYTES:
        raise BadArchive(ArchiveRefusal.FILE_TOO_LARGE, name=name, limit=_megabytes(MAX_FILE_BYTES))


def safe_name(raw: str) -> str:
    """A relative path inside the course folder, or BadArchive. Backslashes count as
    separators (some Windows tools write them)."""
    name = raw.replace("\\", "/")
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        raise BadArchive(ArchiveRefusal.ABSOLUTE_PATH, name=raw)
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise BadArchive(ArchiveRefusal.PATH_ESCAPES, name=raw)
    if not parts or any(FORBIDDEN_CHARACTERS.search(p) for p in parts):
        raise BadArchive(ArchiveRefusal.BAD_NAME, name=raw)
    return "/".join(parts)


def _read_bounded(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> bytes:
    """Unpack at most the limit: the sizes in the archive's header may lie."""
    with archive.open(info) as stream:
        data = stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise BadArchive(ArchiveRefusal.FILE_TOO_LARGE, name=name, limit=_megabytes(MAX_FILE_BYTES))
    if _bomb(len(data), info.compress_size):
        raise BadArchive(ArchiveRefusal.ZIP_BOMB, name=name)
    return data


def _bomb(size: int, packed: int) -> bool:
    return size > RATIO_FROM_BYTES and size > MAX_RATIO * max(packed, 1)


def _without_top_folder(files: Files) -> Files:
    tops = {name.split("/", 1)[0] for name in files}
    if len(tops) == 1 and all("/" in name for name in files) and "course.md" not in files:
        return {name.split("/", 1)[1]: data for name, data in files.items()}
    return files


def _megabytes(size: int) -> int:
    return size // (1024 * 1024)
