"""Retraining after a material change: certified people see it among their assignments on
the start page, re-read the changed modules and pass a short re-check; HR sees who is
behind (the assignment itself: test_retraining_assignments.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from academy.accounts.queries import user_by_id
from academy.certificates.models import Certificate
from academy.exams.models import ExamAttempt
from academy.exams.queries import latest_pass
from academy.extensions import db
from academy.trainer.models import Retraining
from tests.fixtures.course_files import MODULE_1, MODULE_2, write_course
from tests.fixtures.journey import answers_for, finish_modules, pass_exam
from tests.fixtures.web import login, post
from tests.fixtures.workbench import add_file, edit_file, publish, save, start_copy

SLUG = "testkurs"


@pytest.fixture
def world(make_app, create_user, tmp_path):
    return certified_world(make_app, create_user, tmp_path)


def certified_world(make_app, create_user, tmp_path):
    """A certified learner, a learner still reading, a trainer and HR."""
    write_course(tmp_path / "courses")
    app = make_app(COURSES_DIR=str(tmp_path / "courses"))
    clients, ids = {}, {}
    for role in ("certified", "reading", "trainer", "hr"):
        ids[role], email = create_user("learner" if role in ("certified", "reading") else role)
        clients[role] = app.test_client()
        login(clients[role], email)
    finish_modules(clients["certified"], app, SLUG)
    pass_exam(clients["certified"], app, SLUG)
    post(clients["reading"], f"/courses/{SLUG}/erstes/done")
    return app, clients, ids


def retrainings(app) -> list[Retraining]:
    with app.app_context():
        query = select(Retraining).options(joinedload(Retraining.version))
        rows = list(db.session.scalars(query.order_by(Retraining.id)))
        db.session.expunge_all()
        return rows


def change_module_2(clients, text="Neu gefasst.", change="material", modules=("zweites",)):
    edit_file(clients["trainer"], SLUG, "02-zweites.md", MODULE_2.replace("Inhalt.", text))
    response = publish(clients["trainer"], SLUG, note="Modul 2 neu", change=change, modules=modules)
    assert response.status_code == 302, response.get_data(as_text=True)[:400]


def test_a_material_change_asks_certified_people_to_retrain(world):
    app, clients, ids = world
    with app.app_context():
        earned_on = db.session.scalar(select(Certificate.course_version))
    change_module_2(clients)
    (retraining,) = retrainings(app)
    assert (retraining.user_id, retraining.modules, retraining.earned_on) == (
        ids["certified"],
        ["zweites"],
        earned_on,
    )
    home = clients["certified"].get("/").get_data(as_text=True)
    assert "Zur Nachschulung" in home
    assert f"/retraining/{retraining.id}" in home
    assert "Zur Nachschulung" not in clients["reading"].get("/").get_data(as_text=True)
    overview = clients["hr"].get("/retraining/overview").get_data(as_text=True)
    assert "Person 1" in overview and earned_on in overview
    assert clients["certified"].get("/retraining/overview").status_code == 403
    assert clients["reading"].get(f"/retraining/{retraining.id}").status_code == 404


def test_reading_and_passing_the_recheck_completes_the_retraining(world):
    app, clients, _ids = world
    change_module_2(clients)
    (retraining,) = retrainings(app)
    learner, page = clients["certified"], f"/retraining/{retraining.id}"
    assert "öffnet sich, sobald Sie die Module oben gelesen haben" in learner.get(page).get_data(
        as_text=True
    )
    refused = post(learner, f"{page}/recheck")  # not read yet: the exam rules say no
    assert refused.headers["Location"] == page
    assert post(learner, f"/courses/{SLUG}/zweites/done").status_code == 302
    started = post(learner, f"{page}/recheck")
    attempt_id = int(started.headers["Location"].rsplit("/", 1)[1])
    assert "Wiederholungstest" in learner.get(started.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        attempt = db.session.get(ExamAttempt, attempt_id)
        assert attempt.kind == "recheck"
        assert [q["module"] for q in attempt.questions] == ["zweites"]
    assert (
        post(
            learner, f"/courses/{SLUG}/exam/{attempt_id}", answers_for(app, attempt_id)
        ).status_code
        == 302
    )
    (done,) = retrainings(app)
    assert done.completed_at is not None and done.recheck_attempt_id == attempt_id
    assert "Zur Nachschulung" not in learner.get("/").get_data(as_text=True)
    assert "Erledigt am" in learner.get(page).get_data(as_text=True)
    assert "Niemand muss nachschulen." in clients["hr"].get("/retraining/overview").get_data(
        as_text=True
    )
    with app.app_context():  # the certificate stays the one earned on the older version
        assert db.session.query(Certificate).count() == 1
        # A re-check is never "the exam passed": it cannot earn a certificate.
        assert latest_pass(user_by_id(retraining.user_id), SLUG).id != attempt_id


def test_a_failed_recheck_leaves_the_retraining_open(world):
    app, clients, _ = world
    change_module_2(clients)
    (retraining,) = retrainings(app)
    learner = clients["certified"]
    post(learner, f"/courses/{SLUG}/zweites/done")
    started = post(learner, f"/retraining/{retraining.id}/recheck")
    attempt_id = int(started.headers["Location"].rsplit("/", 1)[1])
    post(learner, f"/courses/{SLUG}/exam/{attempt_id}", answers_for(app, attempt_id, correct=0))
    assert retrainings(app)[0].completed_at is None


def test_editorial_changes_ask_nobody_a_second_material_change_extends_the_open_one(world):
    app, clients, _ = world
    change_module_2(clients, "Nur ein Tippfehler.", change="editorial", modules=())
    assert retrainings(app) == []
    change_module_2(clients, "Inhaltlich neu.")
    edit_file(clients["trainer"], SLUG, "01-erstes.md", MODULE_1.replace("Einleitung.", "Neu."))
    publish(clients["trainer"], SLUG, note="Modul 1", change="material", modules=["erstes"])
    (retraining,) = retrainings(app)
    assert retraining.modules == ["zweites", "erstes"] and retraining.version.number == 4


def test_modules_without_exam_questions_need_only_to_be_read(world, tmp_path):
    app, clients, _ = world
    trainer = clients["trainer"]
    start_copy(trainer, SLUG)
    assert add_file(trainer, SLUG, "03-ohne-fragen.md").status_code == 302
    save(trainer, SLUG, "03-ohne-fragen.md", MODULE_2.replace("Zweites", "Drittes"))
    publish(
        clients["trainer"], SLUG, note="Neues Modul", change="material", modules=["ohne-fragen"]
    )
    (retraining,) = retrainings(app)
    learner = clients["certified"]
    assert "Wiederholungstest" not in learner.get(f"/retraining/{retraining.id}").get_data(
        as_text=True
    )
    post(learner, f"/courses/{SLUG}/ohne-fragen/done")
    assert retrainings(app)[0].completed_at is not None
