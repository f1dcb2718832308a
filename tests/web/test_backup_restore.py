"""The backup and restore procedure of the README ("Production", PostgreSQL), rehearsed
with the same client tools: a learner's progress and certificate are dumped with
`pg_dump -Fc`, restored with `createdb` and `pg_restore --no-owner` into a database of
their own, and the app started on it finds everything (migrations current, audit chain
intact, the certificate and the credential the learner downloaded before still verify).

PostgreSQL only. The restore target is named after this worker's database and the
worker, so parallel workers (and CI's test_gw0, test_gw1, …) never share one; it is
dropped afterwards. Encryption (age or gpg) is left out: it changes no byte of the dump.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from sqlalchemy import func, make_url, select

from academy.audit import AuditEvent
from academy.certificates.models import Certificate
from academy.extensions import db
from academy.learning.models import ModuleCompletion
from tests.fixtures.settings import ROOT, make_environ
from tests.web.test_credentials import upload

FLASK = [sys.executable, "-m", "flask", "--app", "app"]


def libpq_environment(url) -> dict[str, str]:
    """What the README's commands take from the environment (or ~/.pgpass)."""
    return {
        **os.environ,
        "PGHOST": url.host or "127.0.0.1",
        "PGPORT": str(url.port or 5432),
        "PGUSER": url.username or "postgres",
        **({"PGPASSWORD": url.password} if url.password else {}),
    }


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, f"{command}: {done.stdout}\n{done.stderr}"
    return done


@pytest.fixture
def restore_target(database_url, worker_id):
    """A database name of this worker's own, absent before and after the test."""
    if not database_url.startswith("postgresql"):
        pytest.skip("pg_dump and pg_restore back up PostgreSQL (SQLite: VACUUM INTO)")
    if not all(shutil.which(tool) for tool in ("pg_dump", "pg_restore", "createdb", "dropdb")):
        pytest.skip("the PostgreSQL client tools are not installed")
    url = make_url(database_url)
    name = f"{url.database}_restore_{worker_id}"
    env = libpq_environment(url)
    run(["dropdb", "--if-exists", "--force", name], env)  # left over from an aborted run
    yield url, name, env
    run(["dropdb", "--if-exists", "--force", name], env)


def test_a_dump_restores_into_a_database_the_app_serves(
    certified, app, make_app, restore_target, tmp_path
):
    url, name, env = restore_target
    client, user_id = certified
    with app.app_context():
        certificate = db.session.scalars(select(Certificate).filter_by(user_id=user_id)).one()
        number, certificate_id = certificate.number, certificate.id
        completed = db.session.scalar(
            select(func.count()).select_from(ModuleCompletion).filter_by(user_id=user_id)
        )
        events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    # What the learner keeps: the credential, signed with the issuer's key.
    credential = client.get(f"/certificates/{certificate_id}/credential.json").data
    assert completed > 0 and events > 0

    # pg_dump -Fc academy > academy.dump (-f: the same bytes, without a shell)
    dump = tmp_path / "academy.dump"
    run(["pg_dump", "-Fc", "-f", str(dump), url.database], env)
    # createdb academy_restore && pg_restore --no-owner -d academy_restore academy.dump
    run(["createdb", name], env)
    run(["pg_restore", "--no-owner", "-d", name, str(dump)], env)

    # The restore host has the instance folder's keys (or CREDENTIAL_KEY) from its backup.
    instance = tmp_path / "restored-instance"
    keys = app.config["SETTINGS"].instance_dir / "credential-keys"
    shutil.copytree(keys, instance / "credential-keys")
    restored_url = url.set(database=name).render_as_string(hide_password=False)
    app_env = {
        **env,
        **make_environ(restored_url, instance),
        "PYTHONPATH": str(ROOT / "platform"),
    }
    # DATABASE_URL=…/academy_restore flask --app app db current / audit verify
    current = run([*FLASK, "db", "current"], app_env)
    assert "(head)" in current.stdout, current.stdout
    verified = run([*FLASK, "audit", "verify"], app_env)
    assert f"audit log intact: {events} entries" in verified.stdout, verified.stdout
    # A deploy runs `db upgrade`: on the restored database it has nothing to do.
    upgraded = run([*FLASK, "db", "upgrade"], app_env)
    assert "Running upgrade" not in upgraded.stdout + upgraded.stderr
    assert run([*FLASK, "db", "current"], app_env).stdout == current.stdout

    # Start the app on it: /healthz, the verify page, the learner's credential, progress.
    restored = make_app(DATABASE_URL=restored_url, INSTANCE_DIR=str(instance))
    visitor = restored.test_client()
    health = visitor.get("/healthz")
    assert health.status_code == 200, health.get_data(as_text=True)
    assert json.loads(health.data)["migrations"] == "current"
    page = visitor.get(f"/verify/{number}").get_data(as_text=True)
    assert "Signatur (Ed25519, eddsa-rdfc-2022): gültig" in page
    assert "Widerrufsliste: nicht widerrufen" in page
    checked = upload(visitor, credential, "credential.json").get_data(as_text=True)
    assert "✓ Gültig" in checked and "Clara Zertifiziert" in checked
    with restored.app_context():
        assert (
            db.session.scalar(
                select(func.count()).select_from(ModuleCompletion).filter_by(user_id=user_id)
            )
            == completed
        )
        db.session.remove()
        db.engine.dispose()  # else dropdb waits for (or --force cuts) this pool's connections
