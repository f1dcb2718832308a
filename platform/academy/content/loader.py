"""Read a course folder into an immutable Course, collecting every problem on the way.

A course with any error is not returned; the caller leaves it out and reports the
problems. Warnings do not stop a course.

A company can add modules and exam questions without editing the bundled course: a folder
of additions (COURSE_ADDITIONS_DIR) holds one subfolder per course slug, with module files
and an optional exam.md. They are read and checked like the course's own files and join
its modules and its question pool. Folders whose names start with '.' or '_' (such as the
shipped `_additions-template`) are never courses.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from markdown_it.token import Token

from . import frontmatter, markdown, questions
from .course import Course, ExamSettings, Heading, Module, Problem, Question, SelfCheck
from .layout import COURSE_SLUG, MODULE_FILE
from .markdown import Context
from .pool import ModuleInfo, check_pool
from .reading import reading_minutes, word_count

SELF_CHECK_START = re.compile(r"^<!--\s*self-check\s*-->\s*$", re.IGNORECASE)
SELF_CHECK_END = re.compile(r"^<!--\s*/self-check\s*-->\s*$", re.IGNORECASE)
RESERVED_SLUGS = {"exam", "media", "certificate", "progress", "start", "result"}
SPECIAL_FILES = {"course.md", "exam.md", "readme.md"}


@dataclass(frozen=True)
class ModuleFile:
    number: int
    slug: str
    path: Path


def is_hidden(folder: Path) -> bool:
    """Folders that are never courses: '.git', '_additions-template', …"""
    return folder.name.startswith((".", "_"))


def additions_for(additions_root: Path | None, slug: str) -> Path | None:
    """The company's additions to one course, if there are any."""
    if additions_root is None or not (additions_root / slug).is_dir():
        return None
    return (additions_root / slug).resolve()


def course_version(course_dir: Path, additions: Path | None = None) -> str:
    """A hash over every file's path and bytes, additions included: any change makes a new
    version, so an attempt records exactly the text its learner saw."""
    digest = hashlib.sha256()
    folders = [("", course_dir)] + ([("+additions/", additions)] if additions else [])
    for prefix, folder in folders:
        for path in sorted(_course_files(folder)):
            digest.update((prefix + path.relative_to(folder).as_posix()).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def load_courses(
    root: Path, url_base: str = "/courses/", additions: Path | None = None
) -> tuple[dict[str, Course], list[Problem]]:
    courses: dict[str, Course] = {}
    problems: list[Problem] = []
    if not root.is_dir():
        return {}, [Problem(root, 1, "courses folder not found", code="no_courses_folder")]
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not is_hidden(p))
    for course_dir in folders:
        if not (course_dir / "course.md").exists() and not any(course_dir.glob("*.md")):
            continue  # not a course, e.g. a folder of shared assets
        course, found = load_course(course_dir, url_base, additions_for(additions, course_dir.name))
        problems += found
        if course is not None:
            courses[course.slug] = course
    problems += _unmatched_additions(additions, {f.name for f in folders})
    return courses, problems


def _unmatched_additions(additions: Path | None, slugs: set[str]) -> list[Problem]:
    if additions is None:
        return []
    if not additions.is_dir():
        return [Problem(additions, 1, "additions folder not found", code="no_additions_folder")]
    return [
        Problem(
            folder,
            1,
            f"additions for '{folder.name}' are ignored: no course has that name",
            "warning",
            code="additions_without_course",
            params={"name": folder.name},
        )
        for folder in sorted(additions.iterdir())
        if folder.is_dir() and not is_hidden(folder) and folder.name not in slugs
    ]


def load_course(
    course_dir: Path, url_base: str = "/courses/", additions: Path | None = None
) -> tuple[Course | None, list[Problem]]:
    """Load one course; `additions` is the company's folder for this course, if any."""
    course_dir = course_dir.resolve()
    additions = additions.resolve() if additions else None
    slug = course_dir.name
    problems: list[Problem] = []
    if not COURSE_SLUG.match(slug):
        message = f"course folder name '{slug}' may only contain a-z, 0-9 and '-'"
        problems.append(Problem(course_dir, 1, message, code="folder_name", params={"slug": slug}))
    texts = _read_texts(course_dir, problems)
    settings = _course_settings(course_dir, texts, problems)
    module_files = _module_files(course_dir, problems)
    if additions is not None:
        texts |= _read_texts(additions, problems)
        module_files = _with_additions(module_files, additions, problems)
    if settings is None:
        return None, problems
    language = settings.values["language"] or "de"
    make_context = _ContextFactory(course_dir, additions, slug, url_base, language, module_files)
    infos: dict[str, ModuleInfo] = {}
    modules = [
        m for f in module_files if (m := _load_module(f, texts, make_context, problems, infos))
    ]
    intro_ctx = make_context(course_dir / "course.md", settings.body_line - 1)
    intro_html = markdown.render(*markdown.parse(settings.body, intro_ctx), intro_ctx)
    resolve = _module_resolver(module_files)
    pool = _load_exam(course_dir / "exam.md", texts, make_context, resolve, problems, True)
    if additions is not None:
        pool += _load_exam(additions / "exam.md", texts, make_context, resolve, problems, False)
    problems += intro_ctx.problems
    _check_course(course_dir, settings, pool, problems)
    problems += _check_pool(course_dir, settings, pool, infos)
    if any(p.severity == "error" for p in problems):
        return None, problems
    media = frozenset().union(*(c.media for c in make_context.contexts))
    version = course_version(course_dir, additions)
    return _build_course(course_dir, version, settings, intro_html, modules, pool, media), problems


def _course_files(course_dir: Path) -> list[Path]:
    return [
        p
        for p in course_dir.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(course_dir).parts)
    ]


def _read_texts(course_dir: Path, problems: list[Problem]) -> dict[Path, str]:
    """Every Markdown file as text; a file that is not UTF-8 is reported, not read."""
    texts: dict[Path, str] = {}
    for path in sorted(course_dir.glob("*.md")):
        data = path.read_bytes()
        try:
            texts[path] = data.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            message = (
                f"file is not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start})"
            )
            params = {"byte": f"0x{data[error.start]:02x}", "offset": error.start}
            problems.append(Problem(path, line, message, code="not_utf8", params=params))
    return texts


def _course_settings(course_dir: Path, texts: dict[Path, str], problems: list[Problem]):
    path = course_dir / "course.md"
    if not path.exists():
        message = "file not found: every course needs a course.md"
        problems.append(Problem(path, 1, message, code="no_course_md"))
        return None
    if path not in texts:
        return None
    settings, found = frontmatter.parse(path, texts[path], frontmatter.COURSE_FIELDS)
    problems += found
    return settings


def _module_files(
    course_dir: Path, problems: list[Problem], required: bool = True
) -> list[ModuleFile]:
    files: list[ModuleFile] = []
    by_number: dict[int, Path] = {}
    for path in sorted(course_dir.glob("*.md")):
        match = MODULE_FILE.match(path.name)
        if match is None:
            if path.name.lower() not in SPECIAL_FILES:
                message = "file ignored: module files are named like '01-name.md'"
                problems.append(Problem(path, 1, message, "warning", code="file_ignored"))
            continue
        number, slug = int(match[1]), match[2]
        if number in by_number:
            other = by_number[number].name
            message = f"module number {number} is used twice (also {other})"
            params = {"number": number, "other": other}
            problems.append(Problem(path, 1, message, code="module_number_twice", params=params))
        elif slug in RESERVED_SLUGS:
            message = f"module name '{slug}' is reserved; choose another"
            problems.append(Problem(path, 1, message, code="reserved_name", params={"name": slug}))
        else:
            by_number[number] = path
            files.append(ModuleFile(number, slug, path))
    if not files and required:
        problems.append(
            Problem(
                course_dir / "course.md",
                1,
                "the course has no modules (files named like '01-name.md')",
                code="no_modules",
            )
        )
    return sorted(files, key=lambda f: f.number)


def _with_additions(
    course_files: list[ModuleFile], additions: Path, problems: list[Problem]
) -> list[ModuleFile]:
    """The course's modules plus the company's, which must not reuse a number or a name."""
    if (additions / "course.md").exists():
        message = "file ignored: course settings belong to the course, not to its additions"
        problems.append(
            Problem(additions / "course.md", 1, message, "warning", code="additions_course_md")
        )
    numbers = {f.number: f.path.name for f in course_files}
    names = {f.slug: f.path.name for f in course_files}
    files = list(course_files)
    for added in _module_files(additions, problems, required=False):
        if added.number in numbers or added.slug in names:
            taken = numbers.get(added.number) or names[added.slug]
            message = (
                f"the course already has a module with this number or name ({taken}); "
                "number additions after the course's modules"
            )
            problems.append(
                Problem(added.path, 1, message, code="addition_taken", params={"taken": taken})
            )
        else:
            files.append(added)
    return sorted(files, key=lambda f: f.number)


class _ContextFactory:
    """Makes a rendering context per file and remembers them for the media list."""

    def __init__(self, course_dir, additions, slug, url_base, language, module_files):
        self.course_dir, self.additions, self.language = course_dir, additions, language
        self.course_url = f"{url_base}{slug}/"
        self.module_urls = {f.path.name: f"{self.course_url}{f.slug}" for f in module_files}
        self.module_urls["course.md"] = self.course_url
        self.contexts: list[Context] = []

    def __call__(self, path: Path, line_offset: int) -> Context:
        addition = self.additions is not None and path.parent == self.additions
        ctx = Context(
            path=path,
            course_dir=self.additions if addition else self.course_dir,
            language=self.language,
            media_url=self.course_url + "media/",
            module_url=self.module_urls.get,
            line_offset=line_offset,
            files_allowed=not addition,
        )
        self.contexts.append(ctx)
        return ctx


def _load_module(
    file: ModuleFile, texts, make_context, problems: list[Problem], infos: dict[str, ModuleInfo]
) -> Module | None:
    if file.path not in texts:
        return None
    meta, found = frontmatter.parse(file.path, texts[file.path], frontmatter.MODULE_FIELDS)
    problems += found
    if meta is None:
        return None
    ctx = make_context(file.path, meta.body_line - 1)
    tokens, env = markdown.parse(meta.body, ctx)
    parts, toc = _module_parts(tokens, env, ctx)
    problems += ctx.problems
    if found or ctx.error_count():
        return None
    values = meta.values
    line = meta.lines.get("objectives", 1)
    infos[file.slug] = ModuleInfo(file.path, line, len(values["objectives"]))
    return Module(
        number=file.number,
        slug=file.slug,
        filename=file.path.name,
        title=values["title"],
        minutes=_minutes(file.path, meta, parts, problems),
        objectives=values["objectives"],
        parts=tuple(parts),
        toc=tuple(toc),
        version=hashlib.sha256(file.path.read_bytes()).hexdigest()[:12],
    )


def _minutes(path: Path, meta: frontmatter.FrontMatter, parts, problems: list[Problem]) -> int:
    """The reading time computed from the text; an explicit `minutes:` wins, but a value
    below the computed time is reported, because it promises learners too little time."""
    words = sum(word_count(p) for p in parts if isinstance(p, str))
    checks = sum(len(p.questions) for p in parts if isinstance(p, SelfCheck))
    computed = reading_minutes(words, checks)
    given = meta.values["minutes"]
    if given is not None and given < computed:
        message = (
            f"minutes: {given} is less than the reading time computed from the text "
            f"({computed}: {words} words at 150 per minute and {checks} self-check questions); "
            "remove the key to use the computed time"
        )
        params = {"given": given, "computed": computed, "words": words, "checks": checks}
        line = meta.lines["minutes"]
        problems.append(
            Problem(path, line, message, "warning", code="minutes_too_low", params=params)
        )
    return given or computed


def _module_parts(tokens: list[Token], env: dict, ctx: Context):
    """Split a module into HTML parts and self-check groups, and collect its headings."""
    parts: list[str | SelfCheck] = []
    toc: list[Heading] = []
    lesson: list[Token] = []
    check: list[list[Token]] | None = None
    for group in questions.blocks(tokens):
        first = group[0]
        if first.type == "html_block" and SELF_CHECK_START.match(first.content.strip()):
            _flush_lesson(parts, lesson, env, ctx)
            check = []
        elif first.type == "html_block" and SELF_CHECK_END.match(first.content.strip()):
            _flush_check(parts, check, env, ctx, first)
            check = None
        elif check is not None and not first.type.startswith("footnote_block"):
            check.append(group)
        else:
            lesson.extend(group)
            toc += _headings(group)
    if check is not None:
        _flush_check(parts, check, env, ctx, None)
    _flush_lesson(parts, lesson, env, ctx)
    return parts, toc


def _flush_lesson(parts: list, lesson: list[Token], env: dict, ctx: Context) -> None:
    if lesson:
        parts.append(markdown.render(lesson, env, ctx))
        lesson.clear()


def _flush_check(parts: list, check, env: dict, ctx: Context, end_marker: Token | None) -> None:
    if check is None:
        ctx.problem(
            end_marker.map if end_marker else None,
            "'<!-- /self-check -->' without a '<!-- self-check -->' before it",
            code="self_check_end",
        )
        return
    found = questions.parse_questions(check, env, ctx)
    if found:
        parts.append(SelfCheck(tuple(found)))


def _headings(group: list[Token]) -> list[Heading]:
    first = group[0]
    if first.type != "heading_open" or first.tag not in ("h2", "h3"):
        return []
    return [
        Heading(int(first.tag[1]), markdown.plain_text(group[1]), str(first.attrGet("id") or ""))
    ]


def _load_exam(
    path: Path, texts, make_context, resolve, problems: list[Problem], required: bool
) -> list[Question]:
    if not path.exists():
        if required:
            message = "file not found: the course needs an exam.md with its question pool"
            problems.append(Problem(path, 1, message, code="no_exam_md"))
        return []
    if path not in texts:
        return []
    ctx = make_context(path, 0)
    tokens, env = markdown.parse(texts[path], ctx)
    pool = questions.parse_questions(questions.blocks(tokens), env, ctx, resolve, allow_title=True)
    problems += ctx.problems
    return pool


def _module_resolver(module_files: list[ModuleFile]):
    names: dict[str, str] = {}
    for f in module_files:
        for name in (f.slug, f.path.stem, str(f.number), f"{f.number:02d}"):
            names[name] = f.slug
    return lambda tag: names.get(tag.strip())


def _unique_ids(pool: list[Question], course_dir: Path) -> list[Problem]:
    """Ids are unique across the whole pool, the company's additions included."""
    first: dict[str, Question] = {}
    problems = []
    for question in pool:
        earlier = first.setdefault(question.id, question)
        if earlier is not question:
            where = f"{_label(earlier, course_dir)}:{earlier.line}"
            message = f"duplicate question id '{question.id}' (first at {where})"
            params = {"id": question.id, "first": where}
            path = question.path or course_dir
            problems.append(
                Problem(path, question.line, message, code="duplicate_id", params=params)
            )
    return problems


def _label(question: Question, course_dir: Path) -> str:
    """A question's file as messages name it: 'exam.md' or 'additions/exam.md'."""
    path = question.path or course_dir / "exam.md"
    return path.name if path.parent == course_dir else f"additions/{path.name}"


def _check_course(course_dir, settings, pool, problems) -> None:
    problems += _unique_ids(pool, course_dir)
    drawn = settings.values["exam_questions"]
    exam = course_dir / "exam.md"
    exam_broken = any(p.path.name == "exam.md" and p.severity == "error" for p in problems)
    if "show_correct_answers" in settings.lines:
        line = settings.lines["show_correct_answers"]
        message = (
            "'show_correct_answers' is replaced by 'reveal_answers: always | after_pass | never'"
        )
        problem = Problem(
            course_dir / "course.md", line, message, "warning", code="show_correct_answers"
        )
        problems.append(problem)
    if drawn and exam.exists() and not exam_broken and drawn > len(pool):
        line = settings.lines.get("exam_questions", 1)
        message = f"exam_questions is {drawn} but exam.md holds only {len(pool)} questions"
        params = {"drawn": drawn, "pool": len(pool)}
        problems.append(
            Problem(course_dir / "course.md", line, message, code="pool_too_small", params=params)
        )


def _check_pool(course_dir, settings, pool, infos) -> list[Problem]:
    drawn_at = (course_dir / "course.md", settings.lines.get("exam_questions", 1))
    return check_pool(
        pool, settings.values["exam_questions"], drawn_at, infos, lambda q: _label(q, course_dir)
    )


def _reveal_answers(settings) -> str:
    """reveal_answers, or what the older show_correct_answers switch meant."""
    older = settings.values["show_correct_answers"]
    if older is None or "reveal_answers" in settings.lines:
        return settings.values["reveal_answers"]
    return "always" if older else "never"


def _build_course(course_dir, version, settings, intro_html, modules, pool, media) -> Course:
    v = settings.values
    return Course(
        slug=course_dir.name,
        path=course_dir,
        version=version,
        title=v["title"],
        summary=v["summary"],
        language=v["language"],
        certificate_title=v["certificate_title"],
        validity_months=v["validity_months"],
        as_of=v["as_of"],
        draft=v["draft"],
        edition_of=v["edition_of"],
        intro_html=intro_html,
        modules=tuple(modules),
        questions=tuple(pool),
        exam=ExamSettings(
            pass_mark=v["pass_mark"],
            question_count=v["exam_questions"],
            reveal_answers=_reveal_answers(settings),
            retake_cooldown_minutes=v["retake_cooldown_minutes"],
            max_attempts_per_day=v["max_attempts_per_day"],
            time_limit_minutes=v["time_limit_minutes"],
            requires_modules=v["exam_requires_modules"],
        ),
        media=media,
    )
