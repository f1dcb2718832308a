"""A retraining after a material change is an HR assignment of kind "retraining": due
RETRAINING_DUE_DAYS after the publish, never "certified" while open (its person holds a
valid certificate), completed by the re-check, reminded like any assignment and marked
in the exports. Git-managed courses reach the same path through `flask courses publish`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from academy import clock
from academy.accounts.queries import user_by_id
from academy.extensions import db
from academy.hr import reminders
from academy.hr import services as hr_services
from academy.hr.models import Assignment
from academy.hr.outcomes import HrRefused
from academy.trainer.models import CourseVersion
from tests.fixtures.course_files import MODULE_2, write_course
from tests.fixtures.hr import assign, hr_client
from tests.fixtures.journey import answers_for, finish_modules, pass_exam
from tests.fixtures.web import login, post
from tests.web.test_hr_exports import csv_rows
from tests.web.test_trainer_retraining import (
    SLUG,
    certified_world,
    change_module_2,
    retrainings,
)


@pytest.fixture
def world(make_app, create_user, tmp_path):
    return certified_world(make_app, create_user, tmp_path)


def assignments(app) -> list[Assignment]:
    with app.app_context():
        rows = list(db.session.scalars(select(Assignment).order_by(Assignment.id)))
        db.session.expunge_all()
        return rows


def found(client, status: str) -> str:
    """The HR list filtered by a status: its "n Zuweisung(en) gefunden" line."""
    page = client.get(f"/hr/people?status={status}").get_data(as_text=True)
    return page.split('role="status">', 1)[1].split("<", 1)[0]


def test_a_material_change_assigns_a_retraining_due_in_30_days(world):
    app, clients, ids = world
    change_module_2(clients)
    (retraining,) = assignments(app)
    assert (retraining.user_id, retraining.kind, retraining.due_on) == (
        ids["certified"],
        "retraining",
        clock.today() + timedelta(days=30),
    )
    assert retraining.completed_at is None and retraining.assigned_by_id == ids["trainer"]
    home = clients["certified"].get("/").get_data(as_text=True)
    (record,) = retrainings(app)
    assert "Nachschulung" in home and f"/retraining/{record.id}" in home
    assert "1 geändertes Modul erneut lesen" in home
    assert "Zur Nachschulung" not in clients["reading"].get("/").get_data(as_text=True)


def test_hr_sees_it_open_until_the_recheck_is_passed(world):
    """Not started although the person read everything and passed before it was
    assigned; in progress once they read after it; the first step after it is the start,
    the re-check does not move it."""
    app, clients, _ids = world
    change_module_2(clients)
    hr = hr_client(app, everything=True)
    assert "Nachschulung" in hr.get("/hr/people").get_data(as_text=True)
    assert found(hr, "certified") == "0 Zuweisungen gefunden"  # holds a valid certificate
    assert found(hr, "not_started") == "1 Zuweisung gefunden"
    assert found(hr, "in_progress") == "0 Zuweisungen gefunden"
    assert found(hr, "overdue") == "0 Zuweisungen gefunden"
    learner = clients["certified"]
    assert post(learner, f"/courses/{SLUG}/zweites/done").status_code == 302
    assert found(hr, "not_started") == "0 Zuweisungen gefunden"
    assert found(hr, "in_progress") == "1 Zuweisung gefunden"
    (read,) = assignments(app)
    assert read.started_at is not None
    assert hr.get("/hr/").status_code == 200
    (record,) = retrainings(app)
    started = post(learner, f"/retraining/{record.id}/recheck")
    attempt_id = int(started.headers["Location"].rsplit("/", 1)[1])
    (checking,) = assignments(app)
    assert checking.started_at == read.started_at
    post(learner, f"/courses/{SLUG}/exam/{attempt_id}", answers_for(app, attempt_id))
    (done,) = assignments(app)
    assert done.completed_at is not None
    assert found(hr, "") == "0 Zuweisungen gefunden"
    assert "Zur Nachschulung" not in learner.get("/").get_data(as_text=True)


def test_an_overdue_retraining_is_reminded(world, monkeypatch):
    app, clients, ids = world
    change_module_2(clients)
    (retraining,) = assignments(app)
    later = clock.utcnow() + timedelta(days=31)
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    with app.app_context():
        planned = reminders.plan(clock.today(), app.config["SETTINGS"])
    assert [(p.kind, p.assignment_id, p.user_id) for p in planned] == [
        ("overdue", retraining.id, ids["certified"])
    ]
    hr = hr_client(app, everything=True)
    assert found(hr, "overdue") == "1 Zuweisung gefunden"


def test_the_evidence_report_marks_the_open_retraining(world):
    app, clients, _ids = world
    change_module_2(clients)
    hr = hr_client(app, everything=True)
    rows = csv_rows(
        post(hr, "/hr/reports/evidence", {"format": "csv", "course": "", "department": ""})
    )
    (row,) = [r for r in rows[1:] if r[0] == "Person 1"]
    due = (clock.today() + timedelta(days=30)).isoformat()
    assert row[-1] == f"Zertifiziert, Nachschulung offen, fällig am {due}"
    listed = csv_rows(post(hr, "/hr/people/export", {"format": "csv"}))
    assert listed[0][-1] == "Art" and listed[1][-1] == "Nachschulung"


def test_an_open_assignment_of_the_course_stays_beside_it(world, monkeypatch):
    """The renewal (due when the certificate ends) and the retraining are two
    obligations; a second material change keeps the one retraining, due later."""
    app, clients, ids = world
    with app.app_context():
        later_on = clock.today() + timedelta(days=300)
        renewal = assign(user_by_id(ids["certified"]), later_on, course=SLUG)
        db.session.commit()
        renewal_id = renewal.id
    change_module_2(clients)
    later = clock.utcnow() + timedelta(days=5)
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    change_module_2(clients, "Noch einmal neu.")
    rows = [a for a in assignments(app) if a.completed_at is None and a.cancelled_at is None]
    assert [(a.id, a.kind) for a in rows] == [(renewal_id, "course"), (rows[1].id, "retraining")]
    assert rows[1].due_on == clock.today() + timedelta(days=30)
    with app.app_context():  # HR assigning the course again finds the open renewal
        person = user_by_id(ids["certified"])
        course = hr_services.assignable_course(SLUG)
        with pytest.raises(HrRefused):  # nobody new: the renewal is the open assignment
            hr_services.assign_people(course, [person], hr_services.Due(days=30), None)
    hr = hr_client(app, everything=True)
    assert found(hr, "certified") == "1 Zuweisung gefunden"  # the renewal
    assert found(hr, "not_started") == "1 Zuweisung gefunden"  # the retraining: nothing since


# --- git-managed courses: flask courses publish ------------------------------------------


def cli_world(make_app, create_user, tmp_path):
    root = tmp_path / "courses"
    write_course(root)
    app = make_app(COURSES_DIR=str(root))
    learner_id, email = create_user("learner")
    client = app.test_client()
    login(client, email)
    finish_modules(client, app, SLUG)
    pass_exam(client, app, SLUG)
    return app, root, learner_id


def publish_cli(app, *args: str):
    return app.test_cli_runner().invoke(args=["courses", "publish", *args])


def versions(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(CourseVersion))


def test_the_cli_records_a_folder_change_and_assigns_retraining(make_app, create_user, tmp_path):
    app, root, learner_id = cli_world(make_app, create_user, tmp_path)
    # The folder as deployed: the learner's certificate is on this version already.
    first = publish_cli(app, SLUG, "--material", "zweites", "--note", "Stand festgehalten")
    assert first.exit_code == 0, first.output
    assert "version 1 recorded" in first.output and "0 certified person(s)" in first.output
    assert assignments(app) == []
    write_course(root, **{"02-zweites.md": MODULE_2.replace("Inhalt.", "Neu gefasst.")})
    second = publish_cli(app, SLUG, "--material", "zweites", "--note", "Modul 2 neu")
    assert second.exit_code == 0, second.output
    assert "1 certified person(s) asked to retrain: zweites" in second.output
    (retraining,) = assignments(app)
    assert (retraining.user_id, retraining.kind) == (learner_id, "retraining")
    (record,) = retrainings(app)
    assert record.modules == ["zweites"] and record.version.number == 2
    with app.app_context():
        version = db.session.scalar(select(CourseVersion).where(CourseVersion.number == 2))
        assert (version.change, version.note, version.published_by_id) == (
            "material",
            "Modul 2 neu",
            None,
        )


def test_the_cli_refuses_wrong_input_and_changes_nothing(make_app, create_user, tmp_path):
    app, root, _ = cli_world(make_app, create_user, tmp_path)
    assert publish_cli(app, SLUG, "--editorial", "--note", "Erstfassung").exit_code == 0
    cases = [
        (["nope", "--editorial", "--note", "x"], 'no course folder "nope"'),
        ([SLUG, "--material", "nix", "--note", "x"], 'no module "nix"'),
        ([SLUG, "--material", ",", "--note", "x"], "choose the changed modules"),
        ([SLUG, "--editorial", "--note", "x"], "nothing to publish"),
        ([SLUG, "--editorial", "--material", "zweites", "--note", "x"], "either --material"),
        ([SLUG, "--material", "zweites"], "Missing option '--note'"),
        ([SLUG, "--editorial", "--note", " "], "short note"),
    ]
    for args, message in cases:
        result = publish_cli(app, *args)
        assert result.exit_code != 0 and message in result.output, (args, result.output)
    write_course(root, **{"exam_md": None, "01-erstes.md": "---\ntitle: [kaputt\n---\n"})
    broken = publish_cli(app, SLUG, "--material", "erstes", "--note", "x")
    assert broken.exit_code != 0 and "cannot be published" in broken.output, broken.output
    assert "testkurs/01-erstes.md:" in broken.output  # where, as `courses check` says it
    too_long = publish_cli(app, SLUG, "--editorial", "--note", "x" * 1001)
    assert too_long.exit_code != 0 and "at most 1000" in too_long.output
    assert versions(app) == 1 and assignments(app) == [] and retrainings(app) == []
