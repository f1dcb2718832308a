"""The bundled courses are the certificate's basis: their structure must not erode silently."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from academy.content import Course, load_course
from tests.conftest import COURSES

EDITIONS = {"ki-am-arbeitsplatz": "de", "ai-at-work": "en"}
SUMMARY_BOX = {"de": "Das Wichtigste in Kürze", "en": "Key points in brief"}


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
    assert len(course.modules) == 9
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
    limit = 12_000 if course.language == "en" else 10_500  # English runs longer for the same text
    assert 6_000 <= total <= limit, total


def test_exam_pool_size_and_spread(course):
    assert len(course.questions) >= 40
    per_module = Counter(q.module_slug for q in course.questions)
    assert set(per_module) == {m.slug for m in course.modules}
    assert min(per_module.values()) >= 4


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
    german, _ = load_course(COURSES / "ki-am-arbeitsplatz")
    english, _ = load_course(COURSES / "ai-at-work")
    assert [q.id for q in german.questions] == [q.id for q in english.questions]
    assert [len(m.objectives) for m in german.modules] == [
        len(m.objectives) for m in english.modules
    ]


def test_introduction_states_date_and_what_the_certificate_attests(course):
    intro = course.intro_html
    assert re.search(r"(Stand|As of): November 2026", intro)
    assert "12" in intro and ("Monate" in intro or "months" in intro)
    assert "Art. 4" in intro
