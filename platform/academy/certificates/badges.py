"""The badge image, and baking: the signed credential carried inside a PNG or SVG file,
as Open Badges 3.0 specifies (PNG: an iTXt chunk with the keyword `openbadgecredential`;
SVG: an `openbadges:credential` element holding the JSON). Whoever gets the image gets
the credential, and any Open Badges 3.0 verifier can take it out again.
"""

from __future__ import annotations

import io
import json
import textwrap
from dataclasses import dataclass
from xml.etree import ElementTree

from markupsafe import escape

from .pdf import FONTS, PRIMARY

PNG_KEYWORD = "openbadgecredential"
SVG_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
SIZE = 400  # pixels of the PNG; the SVG uses the same coordinates
LABELS = {"de": "ZERTIFIKAT", "en": "CERTIFICATE"}


class NotBaked(Exception):
    """The file is not an image with a credential baked in."""


@dataclass(frozen=True)
class BadgeFace:
    """What the badge shows: the certificate's title, its issuer and the year."""

    title: str
    organisation: str
    year: int
    language: str

    @property
    def title_lines(self) -> list[str]:
        return textwrap.wrap(self.title, 16)[:3] or [""]

    @property
    def label(self) -> str:
        return LABELS.get(self.language, LABELS["en"])


def _hex(colour: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*colour)


def svg(face: BadgeFace, credential_json: str | None = None) -> str:
    """The badge as SVG; with `credential_json`, baked."""
    lines = face.title_lines
    first_y = 200 - (len(lines) - 1) * 17
    title = "".join(
        f'<text x="200" y="{first_y + i * 34}" font-size="30" font-weight="bold" '
        f'text-anchor="middle" fill="#ffffff">{escape(line)}</text>'
        for i, line in enumerate(lines)
    )
    baked = ""
    if credential_json is not None:
        # A CDATA section ends at "]]>": split it there, so any JSON survives intact.
        cdata = credential_json.replace("]]>", "]]]]><![CDATA[>")
        baked = f"<openbadges:credential><![CDATA[{cdata}]]></openbadges:credential>"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="{SVG_NAMESPACE}" '
        f'width="{SIZE}" height="{SIZE}" viewBox="0 0 {SIZE} {SIZE}" role="img" '
        f'aria-label="{escape(face.label)}: {escape(face.title)}">{baked}'
        f'<circle cx="200" cy="200" r="196" fill="{_hex(PRIMARY)}"/>'
        f'<circle cx="200" cy="200" r="178" fill="none" stroke="#ffffff" stroke-width="4"/>'
        f'<text x="200" y="112" font-size="22" letter-spacing="4" text-anchor="middle" '
        f'fill="#ffffff">{escape(face.label)}</text>{title}'
        f'<text x="200" y="300" font-size="17" text-anchor="middle" fill="#ffffff">'
        f"{escape(_short(face.organisation, 30))}</text>"
        f'<text x="200" y="330" font-size="17" text-anchor="middle" fill="#ffffff">'
        f"{face.year}</text></svg>"
    )


def png(face: BadgeFace, credential_json: str | None = None) -> bytes:
    """The same badge drawn as PNG; with `credential_json`, baked."""
    # Pillow is imported when a badge is drawn or read, not at every worker's start.
    from PIL import Image, ImageDraw, ImageFont, PngImagePlugin

    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 4, SIZE - 4, SIZE - 4), fill=PRIMARY)
    draw.ellipse((22, 22, SIZE - 22, SIZE - 22), outline="white", width=4)
    regular = ImageFont.truetype(str(FONTS / "DejaVuSans.ttf"), 17)
    bold = ImageFont.truetype(str(FONTS / "DejaVuSans-Bold.ttf"), 30)
    label = ImageFont.truetype(str(FONTS / "DejaVuSans.ttf"), 22)
    draw.text((200, 112), face.label, font=label, fill="white", anchor="ms")
    lines = face.title_lines
    for i, line in enumerate(lines):
        draw.text(
            (200, 200 - (len(lines) - 1) * 17 + i * 34), line, font=bold, fill="white", anchor="ms"
        )
    draw.text((200, 300), _short(face.organisation, 30), font=regular, fill="white", anchor="ms")
    draw.text((200, 330), str(face.year), font=regular, fill="white", anchor="ms")
    info = PngImagePlugin.PngInfo()
    if credential_json is not None:
        info.add_itxt(PNG_KEYWORD, credential_json, zip=False)
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def _short(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


MAX_PIXELS = 4_000_000  # reading the text chunks decodes the image: no pixel bombs


def unbake_png(data: bytes) -> dict:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "PNG" or image.width * image.height > MAX_PIXELS:
                raise NotBaked("not a PNG badge")
            text = getattr(image, "text", {}).get(PNG_KEYWORD)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
        raise NotBaked("not a readable PNG image") from error
    if text is None:
        raise NotBaked("the PNG carries no credential")
    return _json(text)


def unbake_svg(data: bytes) -> dict:
    """The credential of a baked SVG. Python's parser resolves no external entities and
    expat (2.4.1 and later) refuses entity expansion bombs."""
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise NotBaked("not a readable SVG image") from error
    element = root.find(f"{{{SVG_NAMESPACE}}}credential")
    if element is None or not (element.text or "").strip():
        raise NotBaked("the SVG carries no credential")
    return _json(element.text or "")


def _json(text: str) -> dict:
    try:
        value = json.loads(text)
    except ValueError as error:
        raise NotBaked("the baked credential is not JSON") from error
    if not isinstance(value, dict):
        raise NotBaked("the baked credential is not a JSON object")
    return value
