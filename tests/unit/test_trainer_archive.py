"""Reading a trainer's .zip: the course folder comes out; archives that reach outside the
folder, contain links, are too large or are zip bombs are refused with the reason."""

from __future__ import annotations

import zipfile

import pytest

from academy.trainer import archive
from academy.trainer.archive import ArchiveRefusal, BadArchive
from tests.fixtures.archives import marked_encrypted, symlink, with_entry, zip_files, zip_folder
from tests.fixtures.course_files import write_course


def refusal(data: bytes) -> BadArchive:
    with pytest.raises(BadArchive) as error:
        archive.read_upload(data)
    return error.value


def test_course_folder_in_a_top_folder_or_at_the_root(tmp_path):
    folder = write_course(tmp_path)
    for packed in (zip_folder(folder, top="testkurs"), zip_folder(folder)):
        files = archive.read_upload(packed)
        assert set(files) == {
            "course.md",
            "01-erstes.md",
            "02-zweites.md",
            "exam.md",
            "images/bild.png",
        }
        assert files["images/bild.png"] == (folder / "images" / "bild.png").read_bytes()


def test_files_the_operating_system_adds_are_left_out():
    files = archive.read_upload(
        zip_files(
            {"course.md": "x", ".DS_Store": "x", "__MACOSX/._course.md": "x", ".git/HEAD": "x"}
        )
    )
    assert list(files) == ["course.md"]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../evil.md", ArchiveRefusal.PATH_ESCAPES),
        ("images/../../evil.md", ArchiveRefusal.PATH_ESCAPES),
        ("..\\evil.md", ArchiveRefusal.PATH_ESCAPES),
        ("/etc/cron.d/evil.md", ArchiveRefusal.ABSOLUTE_PATH),
        ("C:/Windows/evil.md", ArchiveRefusal.ABSOLUTE_PATH),
        ("images/bild?.png", ArchiveRefusal.BAD_NAME),
        ("run.sh", ArchiveRefusal.FILE_TYPE),
    ],
)
def test_paths_outside_the_folder_and_other_names_are_refused(name, reason):
    info = zipfile.ZipInfo(name)  # written as given: zipfile would clean some of them
    error = refusal(with_entry(zip_files({"course.md": "x"}), info, b"x"))
    assert error.reason is reason
    assert error.details["name"] == name or reason is ArchiveRefusal.FILE_TYPE


def test_a_symlink_is_refused():
    info, target = symlink("images/bild.png", "/etc/passwd")
    error = refusal(with_entry(zip_files({"course.md": "x"}), info, target))
    assert error.reason is ArchiveRefusal.SYMLINK and error.details["name"] == "images/bild.png"


def test_a_file_over_the_size_limit_is_refused(monkeypatch):
    monkeypatch.setattr(archive, "MAX_FILE_BYTES", 1000)
    noise = bytes(range(256)) * 5  # does not pack well: no bomb, just large
    error = refusal(zip_files({"course.md": "x", "images/gross.png": noise}))
    assert error.reason is ArchiveRefusal.FILE_TOO_LARGE
    assert error.details["name"] == "images/gross.png"


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    zeros = bytes(4 * 1024 * 1024)  # 4 MB that pack into about 4 KB
    error = refusal(zip_files({"course.md": "x", "exam.md": zeros}))
    assert error.reason is ArchiveRefusal.ZIP_BOMB and error.details["name"] == "exam.md"


def test_too_much_unpacked_in_all_is_refused(monkeypatch):
    monkeypatch.setattr(archive, "MAX_TOTAL_BYTES", 2000)
    noise = bytes(range(256)) * 4
    files = {"course.md": "x", **{f"images/{n}.png": noise for n in range(3)}}
    assert refusal(zip_files(files)).reason is ArchiveRefusal.TOTAL_TOO_LARGE


def test_too_many_files_are_refused(monkeypatch):
    monkeypatch.setattr(archive, "MAX_FILES", 3)
    files = {"course.md": "x", **{f"0{n}-m.md": "x" for n in range(1, 4)}}
    error = refusal(zip_files(files))
    assert error.reason is ArchiveRefusal.TOO_MANY_FILES and error.details["count"] == 4


def test_not_a_zip_no_course_and_encrypted_archives_are_refused():
    assert refusal(b"plain text, not a zip").reason is ArchiveRefusal.NOT_A_ZIP
    assert refusal(zip_files({"a/course.md": "x", "b/course.md": "x"})).reason is (
        ArchiveRefusal.NO_COURSE
    )
    locked = marked_encrypted(zip_files({"course.md": "x", "exam.md": "x"}), "exam.md")
    error = refusal(locked)
    assert error.reason is ArchiveRefusal.ENCRYPTED and error.details["name"] == "exam.md"


def test_the_same_file_twice_is_refused():
    data = with_entry(zip_files({"course.md": "x"}), zipfile.ZipInfo("./course.md"), b"y")
    assert refusal(data).reason is ArchiveRefusal.DUPLICATE


def test_pack_and_unpack_give_the_same_files_and_the_same_bytes_each_time():
    files = {"course.md": b"a", "images/b.png": b"\x89PNG"}
    assert archive.unpack(archive.pack(files)) == files
    assert archive.pack(files) == archive.pack(dict(reversed(files.items())))
