"""Which course files may be served: images and PDFs, recognised by their content.

A file is served from the application's own origin, so anything a browser would run
there (HTML, script) must never be; the extension alone proves nothing.
"""

from __future__ import annotations

from pathlib import Path

# Extension -> the content type it is served as. Only these are served.
SERVED = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
    ".pdf": "application/pdf",
}
IMAGES = {t for t in SERVED.values() if t.startswith("image/")}


def sniffed_type(path: Path) -> str | None:
    """The served type this file's bytes are, or None."""
    head = path.read_bytes()[:512]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if b"<svg" in head.lower() and b"<html" not in head.lower():
        return "image/svg+xml"
    return None


def media_problem(path: Path, image: bool) -> str | None:
    """Why this file cannot be served (None: it can). `image`: it is shown as an image."""
    expected = SERVED.get(path.suffix.lower())
    wanted = "an image (PNG, JPEG, GIF, WebP, SVG)" if image else "an image or a PDF"
    if expected is None or (image and expected not in IMAGES):
        return f"'{path.name}' cannot be served: only {wanted} can be linked from a course"
    actual = sniffed_type(path)
    if actual != expected:
        return f"'{path.name}' is not what its name says ({expected} expected); only {wanted} can be linked"
    return None
