"""Markdown to safe HTML: markdown-it-py for parsing, nh3 for sanitizing.

Links and images are checked and rewritten here (they must stay inside the course
folder), callout titles are localised, and table alignment becomes a class, because the
Content-Security-Policy forbids style attributes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.gfm import gfm_plugin

from .course import Problem
from .media import media_problem

CALLOUT_TITLES = {
    "de": {
        "NOTE": "Hinweis",
        "TIP": "Tipp",
        "IMPORTANT": "Wichtig",
        "WARNING": "Warnung",
        "CAUTION": "Vorsicht",
    },
    "en": {
        "NOTE": "Note",
        "TIP": "Tip",
        "IMPORTANT": "Important",
        "WARNING": "Warning",
        "CAUTION": "Caution",
    },
}
SAFE_SCHEMES = {"http", "https", "mailto"}
ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "input",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "s",
    "section",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "img": {"src", "alt", "title", "width", "height"},
    "input": {"type", "checked", "disabled"},
    "li": {"id"},
    "sup": {"id"},
    "abbr": {"title"},
    "ol": {"start"},
    **{f"h{n}": {"id"} for n in range(1, 7)},
}
ALIGN_CLASSES = {"align-left", "align-center", "align-right"}
ALLOWED_CLASSES = {
    "div": {"markdown-alert"} | {f"markdown-alert-{k.lower()}" for k in CALLOUT_TITLES["en"]},
    "p": {"markdown-alert-title"},
    "ul": {"contains-task-list"},
    "li": {"task-list-item", "footnote-item"},
    "input": {"task-list-item-checkbox"},
    "section": {"footnotes"},
    "ol": {"footnotes-list"},
    "sup": {"footnote-ref"},
    "a": {"footnote-backref"},
    "hr": {"footnotes-sep"},
    "th": ALIGN_CLASSES,
    "td": ALIGN_CLASSES,
}
NO_FILES_IN_ADDITIONS = (
    "a company addition cannot show images or link files (only the course folder's files are "
    "served); describe it in text or link a page of your intranet"
)
TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def slugify(text: str) -> str:
    """Readable ASCII anchor: 'Das Wichtigste in Kürze' -> 'das-wichtigste-in-kuerze'."""
    text = unicodedata.normalize("NFKD", text.lower().translate(TRANSLITERATION))
    text = text.encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "abschnitt"


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"typographer": False})
    md.use(gfm_plugin)
    md.use(anchors_plugin, min_level=2, max_level=3, slug_func=slugify)
    return md


@dataclass
class Context:
    """What rendering one file needs to know, and what it found."""

    path: Path  # the Markdown file
    course_dir: Path
    language: str
    media_url: str  # URL prefix under which course files are served, ends with '/'
    module_url: Callable[[str], str | None]  # file name -> module page URL, None if no module
    line_offset: int = 0  # lines before the parsed text (front matter)
    files_allowed: bool = True  # False in company additions: their files are not served
    problems: list[Problem] = field(default_factory=list)
    media: set[str] = field(default_factory=set)  # course files the page refers to

    def problem(
        self,
        token_map: Sequence[int] | None,
        message: str,
        warning: bool = False,
        code: str = "",
        **params,
    ):
        """Record a problem at a token's first line."""
        line = (token_map[0] if token_map else 0) + 1 + self.line_offset
        self.add(line, message, warning, code, **params)

    def add(self, line: int, message: str, warning: bool = False, code: str = "", **params) -> None:
        severity = "warning" if warning else "error"
        self.problems.append(Problem(self.path, line, message, severity, code, params))

    def error_count(self) -> int:
        return sum(p.severity == "error" for p in self.problems)


def parse(text: str, ctx: Context) -> tuple[list[Token], dict]:
    env: dict = {}
    tokens = parser().parse(text, env)
    _prepare(tokens, ctx)
    return tokens, env


def render(tokens: Sequence[Token], env: dict, ctx: Context) -> str:
    html = parser().renderer.render(list(tokens), parser().options, env)
    return sanitize(html, ctx.media_url)


def render_inline(token: Token, env: dict, ctx: Context) -> str:
    html = parser().renderer.renderInline(token.children or [], parser().options, env)
    return sanitize(html, ctx.media_url)


def plain_text(token: Token) -> str:
    return "".join(c.content for c in token.children or [] if c.type in ("text", "code_inline"))


def sanitize(html: str, media_url: str) -> str:
    """Remove everything that could run code or load something from another host."""
    return _sanitizer(media_url).clean(html)


@lru_cache(maxsize=64)
def _sanitizer(media_url: str) -> nh3.Cleaner:
    """One sanitizer per media URL (per course), kept: nh3.clean() builds its rules anew
    on every call, ten times the work of cleaning a fragment (40 against 4 µs), and a
    course of 2,000 questions sanitizes 13,000 fragments (every option on its own)."""

    def keep(tag: str, attribute: str, value: str) -> str | None:
        if tag == "img" and attribute == "src" and not value.startswith(media_url):
            return None  # only the course's own files, never another host
        if tag == "input" and attribute == "type" and value != "checkbox":
            return None
        return value

    return nh3.Cleaner(
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        attribute_filter=keep,
        url_schemes=SAFE_SCHEMES,
        strip_comments=True,
        link_rel="noopener noreferrer",
    )


def _prepare(tokens: list[Token], ctx: Context) -> None:
    block_map: list[int] | None = None
    for index, token in enumerate(tokens):
        block_map = token.map or block_map
        if token.type == "alert_open":
            _title_callout(tokens, index, ctx.language)
        elif token.type in ("th_open", "td_open"):
            _align_class(token)
        for child in token.children or []:
            if child.type == "link_open":
                _check_link(child, block_map, ctx)
            elif child.type == "image":
                _check_image(child, block_map, ctx)


def _title_callout(tokens: list[Token], index: int, language: str) -> None:
    """Use a leading bold-only paragraph as the title, else the localised kind."""
    title = tokens[index + 2]
    kind = str(tokens[index].meta.get("kind", "NOTE")).upper()
    first = tokens[index + 5] if len(tokens) > index + 6 else None
    children = first.children or [] if first is not None and first.type == "inline" else []
    children = [c for c in children if not (c.type == "text" and not c.content.strip())]
    if (
        tokens[index + 4].type == "paragraph_open"
        and len(children) >= 3
        and children[0].type == "strong_open"
        and children[-1].type == "strong_close"
        and not any(c.type == "strong_open" for c in children[1:-1])
    ):
        title.children = children[1:-1]
        del tokens[index + 4 : index + 7]
        return
    text = Token("text", "", 0)
    text.content = CALLOUT_TITLES.get(language, CALLOUT_TITLES["en"]).get(kind, kind.title())
    title.children = [text]


def _align_class(token: Token) -> None:
    style = str(token.attrs.pop("style", ""))
    if style.startswith("text-align:"):
        token.attrSet("class", "align-" + style.split(":", 1)[1])


def _check_link(token: Token, block_map, ctx: Context) -> None:
    href = str(token.attrGet("href") or "")
    scheme = urlsplit(href).scheme.lower()
    if href.startswith("#") or scheme in SAFE_SCHEMES:
        return
    if scheme:
        ctx.problem(
            block_map,
            f"link with a forbidden scheme: {href[:60]}",
            code="link_scheme",
            href=href[:60],
        )
        return
    target = _inside_course(href, block_map, ctx, "link")
    if target is None:
        return
    fragment = "#" + urlsplit(href).fragment if urlsplit(href).fragment else ""
    module_url = ctx.module_url(target.name) if target.parent == ctx.course_dir else None
    if module_url is not None:
        token.attrSet("href", module_url + fragment)
    elif target.is_file() and not ctx.files_allowed:
        ctx.problem(
            block_map, f"{NO_FILES_IN_ADDITIONS}: {href}", code="no_files_in_additions", target=href
        )
    elif target.is_file() and (problem := media_problem(target, image=False)):
        ctx.problem(block_map, problem, code="not_servable", file=target.name)
    elif target.is_file():
        token.attrSet("href", _media(target, ctx) + fragment)
    else:
        ctx.problem(block_map, f"link target not found: {href}", code="link_not_found", href=href)


def _check_image(token: Token, block_map, ctx: Context) -> None:
    src = str(token.attrGet("src") or "")
    scheme = urlsplit(src).scheme.lower()
    if scheme in ("http", "https") or src.startswith("//"):
        message = f"image from another host: {src} (copy it into the course folder)"
        ctx.problem(block_map, message, code="image_other_host", src=src)
        return
    if scheme:
        ctx.problem(
            block_map,
            f"image with a forbidden scheme: {src[:60]}",
            code="image_scheme",
            src=src[:60],
        )
        return
    target = _inside_course(src, block_map, ctx, "image")
    if target is None:
        return
    if not target.is_file():
        missing = unquote(urlsplit(src).path)
        ctx.problem(block_map, f"image not found: {missing}", code="image_not_found", src=missing)
        return
    if not ctx.files_allowed:
        ctx.problem(
            block_map, f"{NO_FILES_IN_ADDITIONS}: {src}", code="no_files_in_additions", target=src
        )
        return
    if problem := media_problem(target, image=True):
        ctx.problem(block_map, problem, code="not_servable", file=target.name)
        return
    token.attrSet("src", _media(target, ctx))
    if not plain_text(token).strip():
        message = f"image without a description: {src}"
        ctx.problem(block_map, message, warning=True, code="image_no_description", src=src)


def _inside_course(url: str, block_map, ctx: Context, what: str) -> Path | None:
    path = unquote(urlsplit(url).path)
    course = ctx.course_dir.resolve()
    target = (ctx.path.parent / path).resolve()
    if path.startswith("/") or not target.is_relative_to(course):
        message = f"{what} leaves the course folder: {path}"
        ctx.problem(block_map, message, code=f"{what}_leaves_course", path=path)
        return None
    return target


def _media(target: Path, ctx: Context) -> str:
    relative = target.relative_to(ctx.course_dir.resolve()).as_posix()
    ctx.media.add(relative)
    return ctx.media_url + relative
