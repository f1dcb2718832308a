"""Editing without a shell: upload a course as .zip, edit its files in a working copy,
publish it, restore an older version. Nothing reaches learners before publishing, and a
refused upload or save changes nothing."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from sqlalchemy import func, select

from academy.extensions import db
from academy.trainer import archive
from academy.trainer.models import CourseVersion, WorkingCopy
from tests.fixtures.archives import symlink, with_entry, zip_files, zip_folder
from tests.fixtures.course_files import EXAM_MD, MODULE_2, PNG, write_course
from tests.fixtures.web import login, post
from tests.fixtures.workbench import (
    add_file,
    edit_file,
    publish,
    revision,
    save,
    start_copy,
    upload,
)
from tests.web.test_access import database_fingerprint

SLUG = "testkurs"


@pytest.fixture
def setup(make_app, create_user, tmp_path):
    """A courses folder with the test course; a trainer and a learner signed in."""
    write_course(tmp_path / "courses")
    app = make_app(COURSES_DIR=str(tmp_path / "courses"))
    clients = {}
    for role in ("trainer", "learner"):
        _, email = create_user(role)
        clients[role] = app.test_client()
        login(clients[role], email)
    return app, clients["trainer"], clients["learner"], tmp_path


def page(client, path) -> str:
    return client.get(path).get_data(as_text=True)


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_a_new_course_is_uploaded_checked_and_published(setup):
    app, trainer, learner, tmp_path = setup
    folder = write_course(tmp_path / "upload", "egal")
    response = upload(trainer, zip_folder(folder, top="egal"), new="datenschutz-kompakt")
    assert response.status_code == 302
    assert "keine Befunde" in page(trainer, "/trainer/courses/datenschutz-kompakt")
    assert learner.get("/courses/datenschutz-kompakt/").status_code == 404  # not yet
    assert publish(trainer, "datenschutz-kompakt", note="Erste Fassung").status_code == 302
    assert "Zweites Modul" in page(learner, "/courses/datenschutz-kompakt/")
    with app.app_context():
        (version,) = db.session.scalars(select(CourseVersion)).all()
        assert (version.number, version.change, version.note) == (1, "editorial", "Erste Fassung")
        assert version.published_by.email.startswith("person")


def test_an_upload_with_an_error_is_shown_but_cannot_be_published_learners_see_no_change(setup):
    app, trainer, learner, tmp_path = setup
    broken = write_course(
        tmp_path / "upload", SLUG, module_2=MODULE_2.replace("minutes: 7", "minutes: viele")
    )
    assert upload(trainer, zip_folder(broken), slug=SLUG).status_code == 302
    course_page = page(trainer, f"/trainer/courses/{SLUG}")
    assert "02-zweites.md:3" in course_page and "„minutes“ muss eine ganze Zahl sein" in course_page
    before = database_fingerprint(app)
    refused = publish(trainer, SLUG)
    assert refused.status_code == 409
    assert "Der Kurs hat noch 1 Fehler" in refused.get_data(as_text=True)
    assert database_fingerprint(app) == before
    assert count(app, CourseVersion) == 0
    assert "Inhalt." in page(learner, f"/courses/{SLUG}/zweites")


def test_upload_and_publish_with_an_error_is_refused_and_changes_nothing(setup):
    app, trainer, learner, tmp_path = setup
    broken = write_course(
        tmp_path / "upload", SLUG, exam_md=EXAM_MD.replace("- [x] A\n- [ ] B", "- [ ] A\n- [ ] B")
    )
    before = database_fingerprint(app)
    refused = upload(trainer, zip_folder(broken), slug=SLUG, note="Schnell korrigiert")
    assert refused.status_code == 400
    body = refused.get_data(as_text=True)
    assert "Abgelehnt, es wurde nichts geändert" in body and "exam.md:3" in body
    assert database_fingerprint(app) == before  # not even a working copy
    fixed = write_course(
        tmp_path / "fixed", SLUG, module_2=MODULE_2.replace("Inhalt.", "Korrigiert.")
    )
    assert (
        upload(trainer, zip_folder(fixed), slug=SLUG, note="Schnell korrigiert").status_code == 302
    )
    assert "Korrigiert." in page(learner, f"/courses/{SLUG}/zweites")
    assert count(app, WorkingCopy) == 0


def unsafe_archives(tmp_path):
    good = zip_folder(write_course(tmp_path / "upload"))
    link, target = symlink("images/verknuepft.png", "/etc/passwd")
    escape = zipfile.ZipInfo("../../instance/secret_key.md")
    return {
        "path-escape": (
            with_entry(good, escape, b"x"),
            "führt mit „../“ aus dem Kursordner hinaus",
        ),
        "symlink": (with_entry(good, link, target), "ist ein symbolischer Link"),
        "too-large": (
            zip_files({"course.md": "x", "images/riesig.png": bytes(range(256)) * 40}),
            "„images/riesig.png“ ist größer als",
        ),
        "zip-bomb": (
            zip_files({"course.md": "x", "exam.md": bytes(4 * 1024 * 1024)}),
            "ZIP-Bombe",
        ),
        "not-a-zip": (b"%PDF-1.7 not a zip", "kein lesbares ZIP-Archiv"),
    }


@pytest.mark.parametrize("kind", ["path-escape", "symlink", "too-large", "zip-bomb", "not-a-zip"])
def test_unsafe_archives_are_refused_with_a_clear_message_and_nothing_changes(
    setup, monkeypatch, kind
):
    app, trainer, _, tmp_path = setup
    monkeypatch.setattr(archive, "MAX_FILE_BYTES", 5000)  # "too-large" is 10 KB
    data, message = unsafe_archives(tmp_path)[kind]
    before = database_fingerprint(app)
    for response in (upload(trainer, data, slug=SLUG), upload(trainer, data, new="neuer-kurs")):
        assert response.status_code == 400
        body = response.get_data(as_text=True)
        assert message in body and "Abgelehnt, es wurde nichts geändert" in body
    assert database_fingerprint(app) == before
    assert not (tmp_path / "instance" / "secret_key.md").exists()


def test_a_new_course_may_not_take_an_existing_address_or_a_bad_one(setup):
    _, trainer, _, tmp_path = setup
    data = zip_folder(write_course(tmp_path / "upload"))
    taken = upload(trainer, data, new=SLUG)
    assert taken.status_code == 400 and "gibt es schon" in taken.get_data(as_text=True)
    bad = upload(trainer, data, new="Mein Kurs!")
    assert bad.status_code == 400 and "Kleinbuchstaben" in bad.get_data(as_text=True)


def test_editing_a_file_shows_findings_and_preview_and_a_stale_save_is_refused(setup):
    _app, trainer, learner, _ = setup
    start_copy(trainer, SLUG)
    rev = revision(trainer, SLUG)
    broken = save(trainer, SLUG, "02-zweites.md", MODULE_2.replace("minutes: 7", "minutes: 0"), rev)
    assert broken.status_code == 302
    editor = page(trainer, f"/trainer/courses/{SLUG}/edit/02-zweites.md")
    assert "02-zweites.md:3" in editor and "„minutes“ muss zwischen 1 und 600 liegen" in editor
    assert "minutes: 0" in editor  # the textarea holds the saved text
    stale = save(trainer, SLUG, "02-zweites.md", MODULE_2 + "\nVon gestern.\n", rev)
    assert stale.status_code == 409 and "inzwischen geändert" in stale.get_data(as_text=True)
    assert "Von gestern." not in page(trainer, f"/trainer/courses/{SLUG}/edit/02-zweites.md")
    fixed = save(trainer, SLUG, "02-zweites.md", MODULE_2.replace("Inhalt.", "Neuer Text."))
    assert fixed.status_code == 302
    editor = page(trainer, f"/trainer/courses/{SLUG}/edit/02-zweites.md")
    assert "Der Prüfer hat nichts gefunden." in editor and "<p>Neuer Text.</p>" in editor
    assert "Neuer Text." not in page(learner, f"/courses/{SLUG}/zweites")


def test_add_a_module_upload_an_image_and_delete_a_file(setup):
    _app, trainer, learner, _ = setup
    start_copy(trainer, SLUG)
    added = add_file(trainer, SLUG, "03-neues-thema.md")
    assert added.headers["Location"] == f"/trainer/courses/{SLUG}/edit/03-neues-thema.md"
    assert "title: Neues thema" in page(trainer, added.headers["Location"])
    image = post(
        trainer,
        f"/trainer/courses/{SLUG}/files/upload",
        {"upload": (io.BytesIO(PNG), "schaubild.png"), "revision": revision(trainer, SLUG)},
        content_type="multipart/form-data",
    )
    assert image.status_code == 302
    assert "<code>images/schaubild.png</code>" in page(trainer, f"/trainer/courses/{SLUG}")
    assert delete_file(trainer, "course.md").status_code == 302
    assert "kann nicht gelöscht werden" in page(trainer, f"/trainer/courses/{SLUG}")
    assert delete_file(trainer, "images/schaubild.png").status_code == 302
    assert "<code>images/schaubild.png</code>" not in page(trainer, f"/trainer/courses/{SLUG}")
    assert publish(trainer, SLUG, note="Modul 3 ergänzt").status_code == 302
    assert "Neues thema" in page(learner, f"/courses/{SLUG}/")


def delete_file(client, name: str):
    data = {"delete-name": name, "delete-revision": revision(client, SLUG)}
    return post(client, f"/trainer/courses/{SLUG}/files/delete", data)


def test_publish_keeps_versions_shows_diffs_and_restores_an_older_one(setup):
    app, trainer, learner, _ = setup
    edit_file(trainer, SLUG, "02-zweites.md", MODULE_2.replace("Inhalt.", "Fassung zwei."))
    assert publish(trainer, SLUG, note="Zweite Fassung").status_code == 302
    edit_file(trainer, SLUG, "02-zweites.md", MODULE_2.replace("Inhalt.", "Fassung drei."))
    assert publish(trainer, SLUG, note="Dritte Fassung").status_code == 302
    assert "Fassung drei." in page(learner, f"/courses/{SLUG}/zweites")
    history = page(trainer, f"/trainer/courses/{SLUG}/versions")
    assert (
        "Stand des Kursordners" in history
        and "Zweite Fassung" in history
        and "Dritte Fassung" in history
    )
    with app.app_context():
        versions = {v.number: v.id for v in db.session.scalars(select(CourseVersion))}
    assert sorted(versions) == [1, 2, 3]  # the folder's state, then the two publishes
    diff = page(trainer, f"/trainer/courses/{SLUG}/versions/{versions[3]}")
    assert re.search(r"diff-removed.*Fassung zwei\.", diff) and re.search(
        r"diff-added.*Fassung drei\.", diff
    )
    against_first = page(
        trainer, f"/trainer/courses/{SLUG}/versions/{versions[3]}?against={versions[1]}"
    )
    assert "Unterschiede zu Version 1" in against_first and "Inhalt." in against_first

    restored = post(trainer, f"/trainer/courses/{SLUG}/versions/{versions[1]}/restore")
    assert restored.headers["Location"] == f"/trainer/courses/{SLUG}/publish"
    assert "Version 1 wiederhergestellt" in page(trainer, restored.headers["Location"])
    assert "Fassung drei." in page(learner, f"/courses/{SLUG}/zweites")  # not yet published
    assert publish(trainer, SLUG, note="Version 1 wiederhergestellt").status_code == 302
    assert "Inhalt." in page(learner, f"/courses/{SLUG}/zweites")
    with app.app_context():
        newest = db.session.scalar(select(CourseVersion).order_by(CourseVersion.number.desc()))
        assert (newest.number, newest.restored_from_id) == (4, versions[1])
        assert newest.version == db.session.get(CourseVersion, versions[1]).version


def test_publishing_an_unchanged_copy_or_a_material_change_without_modules_is_refused(setup):
    app, trainer, _, _ = setup
    start_copy(trainer, SLUG)
    same = publish(trainer, SLUG)
    assert same.status_code == 409 and "nichts zu veröffentlichen" in same.get_data(as_text=True)
    edit_file(trainer, SLUG, "02-zweites.md", MODULE_2 + "\nNeu.\n")
    prefilled = page(trainer, f"/trainer/courses/{SLUG}/publish")
    assert re.search(r'value="zweites"[^>]*checked|checked[^>]*value="zweites"', prefilled)
    assert not re.search(r'value="erstes"[^>]*checked|checked[^>]*value="erstes"', prefilled)
    no_modules = publish(trainer, SLUG, change="material")
    assert no_modules.status_code == 409 and "geänderten Module" in no_modules.get_data(
        as_text=True
    )
    assert count(app, CourseVersion) == 0


def test_discard_and_take_over_the_course_folder(setup):
    app, trainer, learner, tmp_path = setup
    edit_file(trainer, SLUG, "02-zweites.md", MODULE_2.replace("Inhalt.", "Im Browser."))
    assert publish(trainer, SLUG).status_code == 302
    (tmp_path / "courses" / SLUG / "02-zweites.md").write_text(
        MODULE_2.replace("Inhalt.", "Aus git.")
    )
    course_page = page(trainer, f"/trainer/courses/{SLUG}")
    assert "unterscheidet sich von der veröffentlichten Version" in course_page
    assert "Im Browser." in page(learner, f"/courses/{SLUG}/zweites")  # published wins
    assert post(trainer, f"/trainer/courses/{SLUG}/copy/folder").status_code == 302
    assert "Aus git." in page(trainer, f"/trainer/preview/copy/{SLUG}/zweites")
    assert post(trainer, f"/trainer/courses/{SLUG}/copy/discard").status_code == 302
    assert count(app, WorkingCopy) == 0
