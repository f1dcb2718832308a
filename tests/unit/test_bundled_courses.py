"""The bundled courses are the certificate's basis: their structure must not erode silently."""

from __future__ import annotations

import random
import re
from collections import Counter
from statistics import mean

import pytest

from academy.content import Course, load_course
from academy.content.pool import length_signal, option_length
from academy.exams.grading import draw
from tests.fixtures.settings import COURSES

EDITIONS = {"ki-am-arbeitsplatz": "de", "ai-at-work": "en"}
SUMMARY_BOX = {"de": "Das Wichtigste in Kürze", "en": "Key points in brief"}
# Words that make a statement absolute; test-wise learners treat them as a sign of a wrong option.
ABSOLUTE = {
    "de": r"\b(immer|nie|niemals|nur|allein|alles?|alle[nrs]|jede[nmrs]?|kein(e|en|er|es|em)?|nichts"
    r"|ausschließlich|stets|sämtliche[nrs]?|niemand(en)?|bloß|lediglich|ausnahmslos|überhaupt|garantiert)\b",
    "en": r"\b(always|never|only|solely|all|every|everyone|everything|no|none|nothing|nobody"
    r"|exclusively|just|merely|any|completely|guaranteed|whatsoever)\b",
}


@pytest.fixture(scope="module", params=sorted(EDITIONS))
def course(request) -> Course:
    loaded, problems = load_course(COURSES / request.param)
    assert [str(p) for p in problems] == []
    return loaded


def words(html: str) -> int:
    return len(re.sub(r"<[^>]+>", " ", html).split())


def test_exam_settings(course):
    assert course.language == EDITIONS[course.slug]
    assert course.exam.question_count == 20
    assert course.exam.pass_mark == 80
    assert course.validity_months == 12


def test_modules_objectives_and_learning_time(course):
    assert len(course.modules) == 10
    for module in course.modules:
        assert len(module.objectives) >= 3, module.slug
        # computed from the text (no hand-written minutes): short modules, honestly timed
        assert 8 <= module.minutes <= 16, (module.slug, module.minutes)


def test_each_module_has_summary_box_and_self_checks(course):
    for module in course.modules:
        html = "".join(p for p in module.parts if isinstance(p, str))
        assert SUMMARY_BOX[course.language] in html, module.slug
        assert 2 <= len(module.self_check_questions) <= 3, module.slug
        assert words(html) >= 600, module.slug


def test_lesson_text_length(course):
    total = sum(words(p) for m in course.modules for p in m.parts if isinstance(p, str))
    limit = 15_000 if course.language == "en" else 13_500  # English runs longer for the same text
    assert 8_000 <= total <= limit, total


def test_exam_pool_size_and_spread(course):
    assert len(course.questions) >= 72  # a draw of 20 shows less than a third of the pool
    per_module = Counter(q.module_slug for q in course.questions)
    assert set(per_module) == {m.slug for m in course.modules}
    assert min(per_module.values()) >= 8


def test_every_learning_objective_is_tested(course):
    tested = {(q.module_slug, n) for q in course.questions for n in q.objectives}
    for module in course.modules:
        for number, objective in enumerate(module.objectives, start=1):
            assert (module.slug, number) in tested, (module.slug, objective)


def test_every_question_is_well_formed(course):
    for question in course.questions:
        correct = [o for o in question.options if o.correct]
        wrong = [o for o in question.options if not o.correct]
        assert correct and wrong, question.id
        assert len(question.options) >= 3, question.id
        assert words(question.explanation_html) >= 8, question.id


def test_explanations_cite_a_rule_or_source(course):
    """A legal rule, or for facts about AI a named case or official source."""
    source = (
        r"Art\.|§|Erwägungsgrund|Recital|Annex|Anhang| gegen | v\. |Q&amp;A|Fragen und Antworten"
    )
    cited = [q for q in course.questions if re.search(source, q.explanation_html)]
    assert len(cited) >= 0.8 * len(course.questions)


def test_most_questions_are_scenarios(course):
    scenario = [
        q
        for q in course.questions
        if q.body_html or len(re.sub(r"<[^>]+>", "", q.prompt_html)) > 80
    ]
    assert len(scenario) >= 0.5 * len(course.questions)


def test_editions_have_equivalent_pools():
    """Same ids, same answer keys, groups, objectives and modules: statistics and retakes
    mean the same in both languages."""
    german, _ = load_course(COURSES / "ki-am-arbeitsplatz")
    english, _ = load_course(COURSES / "ai-at-work")
    assert [q.id for q in german.questions] == [q.id for q in english.questions]
    position = {c.slug: {m.slug: m.number for m in c.modules} for c in (german, english)}
    for de, en in zip(german.questions, english.questions, strict=True):
        assert [o.correct for o in de.options] == [o.correct for o in en.options], de.id
        assert (de.group, de.objectives) == (en.group, en.objectives), de.id
        assert position[german.slug][de.module_slug] == position[english.slug][en.module_slug], (
            de.id
        )
    assert [len(m.objectives) for m in german.modules] == [
        len(m.objectives) for m in english.modules
    ]


def test_near_duplicates_share_a_group(course):
    """The cases the review found twice or thrice in one draw never meet again."""
    groups = {q.id: q.group for q in course.questions}
    for pair in (
        ("q01-chatbot-verantwortung", "q04-chatbot-verantwortung"),  # Air Canada
        ("q01-bias-bewerbungen", "q05-amazon-recruiting"),  # Amazon
        ("q02-ergebnis-pruefen", "q02-mata-avianca"),  # checking output
    ):
        assert groups[pair[0]] is not None and groups[pair[0]] == groups[pair[1]], pair
    rng = random.Random(7)
    for _ in range(300):
        drawn = [course.question(q.id).group for q in draw(course, rng)]
        repeated = [g for g, n in Counter(g for g in drawn if g).items() if n > 1]
        assert repeated == []


def test_option_length_carries_no_signal(course):
    """The correct option is the longest no more often than chance, and not the shortest
    much more often either (a shortest-option guesser is the next test-wise strategy)."""
    longest = length_signal(course.questions)
    assert longest.longest_correct <= longest.expected, longest
    shortest = length_signal([_mirrored(q) for q in course.questions])
    assert shortest.share <= shortest.expected_share + 0.05, shortest


def test_length_guessers_fail_the_exam(course):
    """Learners who read nothing and pick by length pass fewer than 1 in 100 draws."""
    rng = random.Random(2026)
    needed = -(-course.exam.pass_mark * course.exam.question_count // 100)  # 16 of 20
    for strategy in (_pick_longest, _pick_shortest):
        passed = 0
        for _ in range(2_000):
            drawn = draw(course, rng)
            passed += sum(strategy(course, q) for q in drawn) >= needed
        assert passed / 2_000 < 0.01, (strategy.__name__, passed)


def test_absolute_words_do_not_mark_wrong_options(course):
    absolute = re.compile(ABSOLUTE[course.language], re.IGNORECASE)
    options = [o for q in course.questions for o in q.options]
    share = {
        correct: mean(bool(absolute.search(o.text)) for o in options if o.correct == correct)
        for correct in (True, False)
    }
    assert abs(share[True] - share[False]) <= 0.05, share


def _mirrored(question):
    """The question with option lengths turned around, so 'longest' means 'shortest'."""
    from dataclasses import replace

    top = max(option_length(o.text) for o in question.options)
    options = tuple(
        replace(o, text="x" * (top - option_length(o.text) + 1)) for o in question.options
    )
    return replace(question, options=options)


def _lengths(course, drawn) -> dict[str, int]:
    source = {o.id: option_length(o.text) for o in course.question(drawn.id).options}
    return {o.id: source[o.source] for o in drawn.options}


def _pick_longest(course, drawn) -> bool:
    return _guess(course, drawn, longest=True)


def _pick_shortest(course, drawn) -> bool:
    return _guess(course, drawn, longest=False)


def _guess(course, drawn, longest: bool) -> bool:
    """Single choice: the extreme option. Select all: the options beyond the average length."""
    lengths = _lengths(course, drawn)
    sign = 1 if longest else -1
    if drawn.multiple:
        average = mean(lengths.values())
        chosen = {i for i, n in lengths.items() if sign * (n - average) > 0}
    else:
        chosen = {max(lengths, key=lambda i: sign * lengths[i])}
    return chosen == drawn.correct_ids


def test_introduction_states_date_and_what_the_certificate_attests(course):
    intro = course.intro_html
    assert re.search(r"(Stand|As of): November 2026", intro)
    assert "12" in intro and ("Monate" in intro or "months" in intro)
    assert "Art. 4" in intro
    # a building block of the company's documentation, not proof of Art. 4 (no certificate is required)
    assert "Baustein der Dokumentation" in intro or "building block of the documentation" in intro
    assert (
        "Nachweis einer Schulung" not in intro and "evidence of AI-literacy training" not in intro
    )
