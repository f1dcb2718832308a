"""Questions in plain Markdown: heading, optional comments and scenario, task list, blockquote.

The same syntax serves the exam pool (`exam.md`) and self-checks inside modules.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from markdown_it.token import Token

from . import markdown
from .course import Option, Question
from .markdown import Context

META_COMMENT = re.compile(r"<!--\s*(id|module|group|objectives?)\s*:\s*(.*?)\s*-->", re.IGNORECASE)
VALID_ID = re.compile(r"^[A-Za-z0-9_-]+$")
OBJECTIVE_LIST = re.compile(r"^\d+(?:\s*,\s*\d+)*$")


def blocks(tokens: Sequence[Token]) -> list[list[Token]]:
    """Group a token stream into its top-level blocks (a paragraph, a list, …)."""
    groups: list[list[Token]] = []
    depth = 0
    for token in tokens:
        if depth == 0:
            groups.append([])
        groups[-1].append(token)
        depth += token.nesting
    return groups


def derived_id(heading: str) -> str:
    normalized = " ".join(heading.split()).casefold()
    return "q-" + hashlib.sha1(normalized.encode()).hexdigest()[:10]


@dataclass
class Draft:
    """A question while its blocks are being read."""

    line: int
    heading: Token
    id: str | None = None
    module_tag: str | None = None
    module_line: int = 0
    group: str | None = None
    objectives: tuple[int, ...] = ()
    objectives_line: int = 0
    body: list[Token] = field(default_factory=list)
    options: list[list[Token]] | None = None  # one token list per option
    option_lines: list[int] = field(default_factory=list)
    explanation: list[Token] | None = None


def parse_questions(
    groups: list[list[Token]],
    env: dict,
    ctx: Context,
    resolve_module: Callable[[str], str | None] | None = None,
    allow_title: bool = False,
) -> list[Question]:
    """Read questions from top-level blocks; problems go to ctx.problems."""
    drafts: list[Draft] = []
    level: int | None = None
    for group in groups:
        first = group[0]
        if first.type == "heading_open":
            heading_level = int(first.tag[1])
            if level is None and allow_title and heading_level == 1 and not drafts:
                continue  # the file's title
            level = level or heading_level
            if heading_level <= level:
                if heading_level < level:
                    ctx.problem(
                        first.map,
                        f"heading level {heading_level} among questions of level {level}",
                        code="heading_level",
                        level=heading_level,
                        expected=level,
                    )
                drafts.append(Draft(_line(first, ctx), group[1]))
                continue
        if not drafts:
            if not _is_comment(first):
                ctx.problem(
                    first.map,
                    "text before the first question; start each question with a heading",
                    code="text_before_question",
                )
            continue
        _add_block(drafts[-1], group, ctx)
    return [q for d in drafts if (q := _finish(d, env, ctx, resolve_module)) is not None]


def _line(token: Token, ctx: Context) -> int:
    return (token.map[0] if token.map else 0) + 1 + ctx.line_offset


def _is_comment(token: Token) -> bool:
    return token.type == "html_block" and token.content.lstrip().startswith("<!--")


def _add_block(draft: Draft, group: list[Token], ctx: Context) -> None:
    first = group[0]
    if _is_comment(first):
        _read_meta(draft, first, ctx)
    elif draft.explanation is not None:
        ctx.problem(
            first.map,
            "unexpected content after the explanation; start a new question with a heading",
            code="content_after_explanation",
        )
    elif draft.options is not None:
        if first.type == "blockquote_open":
            draft.explanation = group[1:-1]
        else:
            ctx.problem(
                first.map,
                "unexpected content after the options; the explanation must be a blockquote ('> …')",
                code="content_after_options",
            )
    elif first.type == "bullet_list_open" and _is_task_list(group):
        draft.options, draft.option_lines = _options(group, ctx)
    else:
        draft.body.extend(group)


def _read_meta(draft: Draft, token: Token, ctx: Context) -> None:
    for key, value in META_COMMENT.findall(token.content):
        key = key.lower()
        if key in ("id", "group") and not VALID_ID.match(value):
            ctx.problem(
                token.map,
                f"question {key} '{value}' may only contain letters, digits, '-' and '_'",
                code=f"invalid_question_{key}",
                id=value,
            )
        elif key == "id":
            draft.id = value
        elif key == "group":
            draft.group = value.lower()  # "Amazon" and "amazon" are one group
        elif key.startswith("objective"):
            _read_objectives(draft, value, _line(token, ctx), ctx)
        else:
            draft.module_tag, draft.module_line = value, _line(token, ctx)


def _read_objectives(draft: Draft, value: str, line: int, ctx: Context) -> None:
    """`<!-- objectives: 1, 3 -->`: which learning objectives of its module the question tests."""
    numbers = tuple(int(n) for n in re.findall(r"\d+", value))
    if not OBJECTIVE_LIST.match(value) or 0 in numbers:
        message = f"objectives '{value}' must be numbers from 1, separated by commas"
        ctx.add(line, message, code="invalid_objectives", value=value)
        return
    draft.objectives, draft.objectives_line = numbers, line


def _is_task_list(group: list[Token]) -> bool:
    return any("checked" in t.meta for t in group if t.type == "list_item_open")


def _options(group: list[Token], ctx: Context) -> tuple[list[list[Token]], list[int]]:
    items: list[list[Token]] = []
    lines: list[int] = []
    depth = 0
    for token in group[1:-1]:
        if depth == 0 and token.type == "list_item_open":
            if "checked" not in token.meta:
                ctx.problem(token.map, "option without '[ ]' or '[x]'", code="option_no_box")
            items.append([token])
            lines.append(_line(token, ctx))
        else:
            items[-1].append(token)
        depth += token.nesting
    return items, lines


def _finish(draft: Draft, env: dict, ctx: Context, resolve_module) -> Question | None:
    line = draft.line
    errors_before = ctx.error_count()
    options = _build_options(draft, env, ctx)
    _check_options(options, line, ctx)
    module_slug = None
    if draft.module_tag is not None and resolve_module is not None:
        module_slug = resolve_module(draft.module_tag)
        if module_slug is None:
            message = f"unknown module '{draft.module_tag}'"
            ctx.add(draft.module_line, message, code="unknown_module", module=draft.module_tag)
    if options and draft.explanation is None:
        message = "question has no explanation (a '> …' blockquote after the options)"
        ctx.add(line, message, True, code="no_explanation")
    if ctx.error_count() > errors_before:
        return None
    return Question(
        id=draft.id or derived_id(markdown.plain_text(draft.heading) or draft.heading.content),
        line=line,
        prompt_html=markdown.render_inline(draft.heading, env, ctx),
        body_html=markdown.render(draft.body, env, ctx) if draft.body else "",
        options=tuple(options),
        explanation_html=markdown.render(draft.explanation, env, ctx) if draft.explanation else "",
        module_slug=module_slug,
        group=draft.group,
        objectives=draft.objectives,
        objectives_line=draft.objectives_line,
        path=ctx.path,
    )


def _build_options(draft: Draft, env: dict, ctx: Context) -> list[Option]:
    options: list[Option] = []
    seen: set[str] = set()
    for item, line in zip(draft.options or [], draft.option_lines, strict=True):
        inline = next((t for t in item if t.type == "inline"), None)
        text = inline.content.strip() if inline is not None else ""
        if not text:
            ctx.add(line, "option without text", code="option_no_text")
            continue
        option_id = hashlib.sha1(" ".join(text.split()).encode()).hexdigest()[:8]
        if option_id in seen:
            ctx.add(
                line, f"duplicate option '{text[:40]}'", code="duplicate_option", text=text[:40]
            )
            continue
        seen.add(option_id)
        correct = bool(item[0].meta.get("checked"))
        options.append(Option(option_id, text, markdown.render_inline(inline, env, ctx), correct))
    return options


def _check_options(options: list[Option], line: int, ctx: Context) -> None:
    correct = sum(o.correct for o in options)
    if not options:
        code, message = (
            "no_options",
            "question has no options (add a task list: '- [ ] …' and '- [x] …')",
        )
    elif correct == 0:
        code, message = "no_correct_option", "question has no correct option (mark it with '- [x]')"
    elif len(options) == 1:
        code, message = "one_option", "question has only one option"
    elif correct == len(options):
        code = "all_correct"
        message = 'every option is correct; a "select all" question needs at least one wrong option'
    else:
        return
    ctx.add(line, message, code=code)
