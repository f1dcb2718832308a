"""Settings from environment variables, validated once at start-up.

A wrong value raises ConfigError with one line that names the variable; app.py prints
that line instead of a traceback.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import shlex
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from .emails import is_domain, parse_domains

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ENVIRONMENTS = ("development", "production", "testing")
REGISTRATION_MODES = ("open", "domains", "closed")
TEST_PASSWORD_HASH = "pbkdf2:sha256:1"
DEVELOPMENT_URL = "http://127.0.0.1:5000"  # where `make run` serves
LANGUAGES = ("de", "en")  # of the interface; German first


class ConfigError(Exception):
    """A setting is missing or wrong; the message is one line for the operator."""


@dataclass(frozen=True)
class Settings:
    env: str
    secret_key: str
    database_url: str
    courses_dir: Path
    course_additions_dir: Path | None  # company modules and questions, one folder per course
    instance_dir: Path
    public_courses: bool
    site_name: str
    timezone: str  # for showing times; the database stores UTC
    organisation: str  # issues the certificates
    public_url: str  # printed on certificates; empty means: the address of the request
    registration: str
    registration_domains: tuple[str, ...]
    mail_from: str
    smtp_host: str  # empty: mails are printed to the console (development)
    smtp_port: int
    smtp_user: str
    smtp_password: str
    smtp_starttls: bool
    smtp_tls: bool  # implicit TLS from the first byte (port 465) instead of STARTTLS
    reminder_due_days: tuple[int, ...]  # days before an assignment's due date, e.g. (14, 3, 0)
    reminder_overdue_every: int  # days between reminders once overdue; 0: none
    reminder_expiry_days: tuple[int, ...]  # days before a certificate expires
    reminder_manager_copy: bool  # overdue reminders also go to the person's manager
    retraining_due_days: int  # a retraining after a material change is due this many days on
    ratelimit_storage_uri: str
    ratelimit_enabled: bool
    remember_days: int  # how long "stay signed in" lasts; 0: not offered
    proxy_hops: int  # reverse proxies in front of the app whose X-Forwarded-* headers to trust
    trusted_hosts: tuple[str, ...]  # Host headers the app answers; empty: any (development)
    browser_editing: bool  # trainers may upload, edit and publish courses in the browser
    course_refresh_seconds: int  # how often a worker looks for a newly published course
    item_stats_min_attempts: int  # below this, a question's statistics are not shown
    # Signing credentials and PDFs (certificates/keys.py, certificates/signing.py): empty
    # means the keys kept in the instance folder, created there on first start.
    credential_key: str  # hex Ed25519 private key
    credential_retired_keys: tuple[str, ...]  # public keys (multibase) still published
    pdf_signing_p12: Path | None  # PKCS#12 file with the organisation's signing certificate
    pdf_signing_password: str
    oidc: OidcSettings | None  # single sign-on; None: not configured
    local_passwords: bool  # False: only the break-glass admins sign in with a password
    break_glass_admins: tuple[str, ...]  # e-mail addresses, lower-case

    @property
    def password_hash_method(self) -> str:
        """scrypt everywhere except the test suite, where a password costs microseconds
        instead of a quarter second. Not a setting: no environment can weaken it."""
        return TEST_PASSWORD_HASH if self.env == "testing" else "scrypt"

    @property
    def production(self) -> bool:
        return self.env == "production"


@dataclass(frozen=True)
class OidcSettings:
    """OpenID Connect single sign-on (the sso domain); checked here, used there."""

    issuer: str
    client_id: str
    client_secret: str  # empty when a private key signs the client's assertions
    private_key: str  # PEM of the key for private_key_jwt; empty with a client secret
    scopes: str
    department_claim: str  # empty: the department is not taken from the provider
    groups_claim: str
    role_map: tuple[tuple[str, str], ...]  # (group, role)
    require_group: bool  # only people in a group of the role map may sign in
    email_verified_claim: str
    session_hours: int  # then the provider is asked again

    @property
    def managed_roles(self) -> frozenset[str]:
        """The roles the provider decides (those the map names); others stay as set here."""
        return frozenset(role for _group, role in self.role_map)


def load(environ: Mapping[str, str] | None = None, argv: list[str] | None = None) -> Settings:
    """The settings from `environ` (default: the process's); `argv` is the command line
    the process was started with (default: sys.argv), read for gunicorn's worker count."""
    env = dict(os.environ if environ is None else environ)
    argv = sys.argv if argv is None else argv
    app_env = _choice(env, "APP_ENV", _default_env(env), ENVIRONMENTS)
    instance_dir = _path(env, "INSTANCE_DIR", PROJECT_ROOT / "instance", must_exist=False)
    secret_key = _secret_key(env, app_env, instance_dir)
    public_url = _public_url(env, app_env)
    smtp_host = env.get("SMTP_HOST", "").strip()
    registration = _choice(env, "REGISTRATION", "open", REGISTRATION_MODES)
    domains = _domains(env, registration)
    oidc = _oidc(env)
    local_passwords = _flag(env, "LOCAL_PASSWORDS", True)
    if not local_passwords and oidc is None:
        raise ConfigError(
            "LOCAL_PASSWORDS=false needs single sign-on (OIDC_ISSUER), or nobody could sign in"
        )
    return Settings(
        env=app_env,
        secret_key=secret_key,
        database_url=_database_url(env, instance_dir),
        courses_dir=_path(env, "COURSES_DIR", PROJECT_ROOT / "courses", must_exist=True),
        course_additions_dir=_optional_folder(env, "COURSE_ADDITIONS_DIR"),
        instance_dir=instance_dir,
        public_courses=_flag(env, "PUBLIC_COURSES", False),
        site_name=env.get("SITE_NAME", "").strip() or "KI-Akademie",
        timezone=_timezone(env),
        organisation=env.get("ORGANISATION_NAME", "").strip() or "KI-Akademie",
        public_url=public_url,
        registration=registration,
        registration_domains=domains,
        mail_from=_mail_from(env),
        smtp_host=smtp_host,
        smtp_port=_int(env, "SMTP_PORT", 587, 1, 65535),
        smtp_user=env.get("SMTP_USER", ""),
        smtp_password=env.get("SMTP_PASSWORD", ""),
        smtp_starttls=_starttls(env),
        smtp_tls=_flag(env, "SMTP_TLS", False),
        reminder_due_days=_days(env, "REMINDER_DAYS_BEFORE_DUE", (14, 3, 0)),
        reminder_overdue_every=_int(env, "REMINDER_OVERDUE_EVERY_DAYS", 7, 0, 365),
        reminder_expiry_days=_days(env, "REMINDER_DAYS_BEFORE_EXPIRY", (30,)),
        reminder_manager_copy=_flag(env, "REMINDER_MANAGER_COPY", False),
        retraining_due_days=_int(env, "RETRAINING_DUE_DAYS", 30, 1, 365),
        ratelimit_storage_uri=_ratelimit_uri(env, app_env, argv),
        ratelimit_enabled=_flag(env, "RATELIMIT_ENABLED", True),
        remember_days=_int(env, "REMEMBER_ME_DAYS", 14, 0, 30),
        proxy_hops=_int(env, "TRUSTED_PROXIES", 0, 0, 5),
        trusted_hosts=_trusted_hosts(env, app_env, public_url),
        browser_editing=_flag(env, "BROWSER_EDITING", True),
        course_refresh_seconds=_int(env, "COURSE_REFRESH_SECONDS", 5, 1, 300),
        item_stats_min_attempts=_int(env, "ITEM_STATS_MIN_ATTEMPTS", 10, 1, 100_000),
        credential_key=_credential_key(env),
        credential_retired_keys=_retired_keys(env),
        pdf_signing_p12=_optional_file(env, "PDF_SIGNING_CERT"),
        pdf_signing_password=env.get("PDF_SIGNING_PASSWORD", ""),
        oidc=oidc,
        local_passwords=local_passwords,
        break_glass_admins=_break_glass(env),
    )


def _default_env(env) -> str:
    """Under gunicorn (a server for production) the default is production, so that a
    forgotten APP_ENV never means insecure cookies and demo accounts."""
    return "production" if "gunicorn" in env.get("SERVER_SOFTWARE", "") else "development"


def _choice(env, name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env.get(name, "").strip().lower() or default
    if value not in choices:
        raise ConfigError(f"{name}={value!r} is not valid; use one of: {', '.join(choices)}")
    return value


def _flag(env, name: str, default: bool) -> bool:
    value = env.get(name, "").strip().lower()
    if not value:
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name}={value!r} is not valid; use true or false")


def _int(env, name: str, default: int, low: int, high: int) -> int:
    value = env.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or not low <= int(value) <= high:  # also refuses "-1" and "1.5"
        raise ConfigError(f"{name}={value!r} is not valid; use a whole number from {low} to {high}")
    return int(value)


def _days(env, name: str, default: tuple[int, ...]) -> tuple[int, ...]:
    """Whole numbers of days separated by commas, e.g. "14,3,0"; "none" for no reminder."""
    value = env.get(name, "").strip().lower()
    if not value:
        return default
    if value == "none":
        return ()
    parts = value.replace(",", " ").split()
    if not all(p.isdigit() and int(p) <= 365 for p in parts):
        raise ConfigError(
            f"{name}={value!r} is not valid; use whole numbers of days from 0 to 365, e.g. 14,3,0"
        )
    return tuple(sorted({int(p) for p in parts}, reverse=True))


def _starttls(env) -> bool:
    """STARTTLS by default; SMTP_TLS=true (implicit TLS) replaces it."""
    implicit = _flag(env, "SMTP_TLS", False)
    if implicit and _flag(env, "SMTP_STARTTLS", False):
        raise ConfigError("SMTP_TLS and SMTP_STARTTLS are both true; choose one (TLS: port 465)")
    return not implicit and _flag(env, "SMTP_STARTTLS", True)


def _path(env, name: str, default: Path, must_exist: bool) -> Path:
    value = env.get(name, "").strip()
    path = Path(value).expanduser().resolve() if value else default
    if must_exist and not path.is_dir():
        raise ConfigError(f"{name}: folder not found: {path}")
    return path


def _optional_folder(env, name: str) -> Path | None:
    if not env.get(name, "").strip():
        return None
    return _path(env, name, PROJECT_ROOT, must_exist=True)


def _optional_file(env, name: str) -> Path | None:
    value = env.get(name, "").strip()
    if not value:
        return None
    path = Path(value).expanduser().resolve()
    if not path.is_file():
        raise ConfigError(f"{name}: file not found: {path}")
    return path


def _credential_key(env) -> str:
    value = env.get("CREDENTIAL_KEY", "").strip().lower()
    if value and not re.fullmatch(r"[0-9a-f]{64}", value):
        raise ConfigError(
            "CREDENTIAL_KEY is not valid; use the 64 hex digits that "
            "'flask --app app certificates new-key' prints"
        )
    return value


def _retired_keys(env) -> tuple[str, ...]:
    keys = tuple(k.strip() for k in env.get("CREDENTIAL_RETIRED_KEYS", "").split(",") if k.strip())
    wrong = [k for k in keys if not re.fullmatch(r"z6Mk[1-9A-HJ-NP-Za-km-z]{44}", k)]
    if wrong:
        raise ConfigError(
            f"CREDENTIAL_RETIRED_KEYS: not an Ed25519 public key: {wrong[0]!r}; use keys like z6Mk…"
        )
    return keys


def _timezone(env) -> str:
    value = env.get("TIMEZONE", "").strip() or "Europe/Berlin"
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"TIMEZONE={value!r} is not a known time zone; use e.g. Europe/Berlin"
        ) from None
    return value


def _secret_key(env, app_env: str, instance_dir: Path) -> str:
    key = env.get("SECRET_KEY", "").strip()
    if key:
        if app_env == "production" and len(key) < 32:
            raise ConfigError(
                "SECRET_KEY is too short for production; use at least 32 random characters"
            )
        if app_env == "production" and _guessable(key, instance_dir):
            raise ConfigError(
                "SECRET_KEY is too weak for production (repeated, a pattern or words); use the output of "
                "python3 -c 'import secrets; print(secrets.token_hex(32))'"
            )
        return key
    if app_env == "production":
        raise ConfigError(
            "SECRET_KEY must be set in production, e.g. to the output of "
            "python3 -c 'import secrets; print(secrets.token_hex(32))'"
        )
    return _stored_secret_key(instance_dir)


def _guessable(key: str, instance_dir: Path) -> bool:
    """Whether zxcvbn (the estimator accounts/passwords.py uses) guesses the key in
    fewer than 10^25 tries (about 83 bits): repeats, sequences and common words with a
    year are; 32 random hex digits (10^28 at worst by its estimate) are not.

    The estimate (with its import) took a third of a second of every worker's start, so
    a key found strong once is remembered in the instance folder: as an HMAC under the
    key itself, which tells nothing about the key and which no other key matches."""
    marker = instance_dir / "secret-key-checked"
    proof = hmac.new(key.encode(), b"SECRET_KEY passed the zxcvbn check", hashlib.sha256)
    try:
        if hmac.compare_digest(marker.read_text().strip(), proof.hexdigest()):
            return False
    except (OSError, UnicodeDecodeError):
        pass  # not checked yet (or unreadable): check now
    from zxcvbn import zxcvbn

    if zxcvbn(key[:72])["guesses_log10"] < 25:
        return True
    try:
        _private_folder(instance_dir)
        _private_file(marker)
        marker.write_text(proof.hexdigest())
    except OSError:
        pass  # an instance folder that cannot be written: the next start checks again
    return False


def _stored_secret_key(instance_dir: Path) -> str:
    """Development: generate a key once and keep it, so sessions survive restarts."""
    path = instance_dir / "secret_key"
    try:
        _private_folder(instance_dir)
        if path.exists():
            _private_file(path)
            return path.read_text().strip()
        key = secrets.token_hex(32)
        _private_file(path)
        path.write_text(key)
    except OSError as error:
        raise ConfigError(
            f"SECRET_KEY is unset and {path} cannot be written: {error.strerror}"
        ) from None
    return key


def _private_folder(path: Path) -> None:
    """The instance folder holds the secret key and the database: only the app's own
    user may enter it (0700), also when an older version created it open."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o077:
        path.chmod(0o700)


def _private_file(path: Path) -> None:
    """Create the file readable and writable by the app's user only (0600) before
    anything is written into it, or close it to others if it exists."""
    path.touch(mode=0o600, exist_ok=True)
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)


def _database_url(env, instance_dir: Path) -> str:
    value = env.get("DATABASE_URL", "").strip()
    if not value:
        try:
            _private_folder(instance_dir)
        except OSError as error:
            raise ConfigError(f"INSTANCE_DIR {instance_dir}: {error.strerror}") from None
        _private_database_file(instance_dir / "academy.db")
        return f"sqlite:///{instance_dir / 'academy.db'}"
    try:
        url = make_url(value)
    except ArgumentError:
        raise ConfigError(
            f"DATABASE_URL is not a database URL: {value!r}; "
            "use e.g. postgresql+psycopg://user:password@host/dbname"
        ) from None
    if url.get_backend_name() not in ("sqlite", "postgresql", "postgres"):
        raise ConfigError(
            f"DATABASE_URL: unsupported database {url.get_backend_name()!r}; use sqlite or postgresql"
        )
    if url.get_backend_name() in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")  # the driver that is installed
    elif url.database and url.database != ":memory:":
        _private_database_file(Path(url.database))
    return url.render_as_string(hide_password=False)


def _private_database_file(path: Path) -> None:
    """SQLite would create the file 0644; its -wal and -shm files copy the mode it has."""
    try:
        _private_file(path)
    except OSError as error:
        raise ConfigError(f"the database {path} cannot be created: {error.strerror}") from None


def _public_url(env, app_env: str) -> str:
    """The only source of absolute links (mails, PDFs, QR codes): never the request's
    Host header, which anyone can set."""
    value = env.get("PUBLIC_URL", "").strip().rstrip("/")
    if not value:
        if app_env == "production":
            raise ConfigError(
                "PUBLIC_URL must be set in production, e.g. https://academy.firma.de "
                "(links in mails and certificates are built from it)"
            )
        return DEVELOPMENT_URL
    if urlsplit(value).scheme not in ("http", "https") or not urlsplit(value).netloc:
        raise ConfigError(
            f"PUBLIC_URL={value!r} is not valid; use e.g. https://academy.example.com"
        )
    return value


def _trusted_hosts(env, app_env: str, public_url: str) -> tuple[str, ...]:
    """TRUSTED_HOSTS, else in production the host of PUBLIC_URL: requests for any other
    host are refused."""
    hosts = tuple(h.strip().lower() for h in env.get("TRUSTED_HOSTS", "").split(",") if h.strip())
    if hosts or app_env != "production":
        return hosts
    return (urlsplit(public_url).hostname or "",)


def _domains(env, registration: str) -> tuple[str, ...]:
    domains = parse_domains(env.get("REGISTRATION_DOMAINS", ""))
    if registration == "domains" and not domains:
        raise ConfigError(
            "REGISTRATION=domains needs REGISTRATION_DOMAINS, e.g. firma.de,firma.com"
        )
    wrong = [d for d in domains if not is_domain(d)]
    if wrong:
        raise ConfigError(f"REGISTRATION_DOMAINS: not a domain: {wrong[0]!r}; use e.g. firma.de")
    return domains


def _mail_from(env) -> str:
    value = env.get("MAIL_FROM", "").strip() or "academy@localhost"
    if "@" not in parseaddr(value)[1]:  # a sender may be local, e.g. academy@localhost
        raise ConfigError(f"MAIL_FROM={value!r} is not an email address")
    return value


def _ratelimit_uri(env, app_env: str, argv: list[str]) -> str:
    value = env.get("RATELIMIT_STORAGE_URI", "").strip() or "memory://"
    if urlsplit(value).scheme not in ("memory", "redis", "rediss", "redis+unix"):
        raise ConfigError(
            f"RATELIMIT_STORAGE_URI={value!r} is not valid; use memory:// or redis://host:6379"
        )
    if value.startswith("memory") and app_env == "production" and _several_workers(env, argv):
        # Each process would count on its own: N workers allow N times the guesses.
        raise ConfigError(
            "RATELIMIT_STORAGE_URI is memory:// but gunicorn may run several workers; "
            "set RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379 (or run one worker: --workers 1)"
        )
    return value


def _several_workers(env, argv: list[str]) -> bool:
    """Whether this is gunicorn with (possibly) more than one worker: its command line,
    GUNICORN_CMD_ARGS and WEB_CONCURRENCY say how many; a configuration file that sets
    `workers` (or cannot be read) might say anything, so it counts as several."""
    if "gunicorn" not in env.get("SERVER_SOFTWARE", ""):
        return False
    # In gunicorn's order of precedence: the command line wins over GUNICORN_CMD_ARGS.
    args = [*shlex.split(env.get("GUNICORN_CMD_ARGS", "")), *argv[1:]]
    workers = env.get("WEB_CONCURRENCY", "1").strip() or "1"
    for index, arg in enumerate(args):
        name, _, inline = arg.partition("=")
        if name in ("-w", "--workers"):
            workers = inline or (args[index + 1] if index + 1 < len(args) else "")
        elif arg.startswith("-w") and len(arg) > 2 and not arg.startswith("--"):
            workers = arg[2:]
        elif name in ("-c", "--config") or arg.startswith("-c"):
            path = inline or (arg[2:] if name not in ("-c", "--config") else "")
            path = path or (args[index + 1] if index + 1 < len(args) else "")
            if _config_sets_workers(Path(path)):
                return True
    # gunicorn reads ./gunicorn.conf.py on its own (the project ships one for its logger).
    if Path("gunicorn.conf.py").exists() and _config_sets_workers(Path("gunicorn.conf.py")):
        return True
    return not workers.isdigit() or int(workers) > 1


def _config_sets_workers(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return True
    return re.search(r"^\s*workers\s*=", text, re.MULTILINE) is not None


# --- single sign-on -----------------------------------------------------------------------

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


def _oidc(env) -> OidcSettings | None:
    issuer = env.get("OIDC_ISSUER", "").strip().rstrip("/")
    if not issuer:
        unused = [n for n in ("OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET") if env.get(n, "").strip()]
        if unused:
            raise ConfigError(f"{unused[0]} is set but OIDC_ISSUER is not; set both or neither")
        return None
    _check_issuer(issuer)
    client_id = env.get("OIDC_CLIENT_ID", "").strip()
    if not client_id:
        raise ConfigError(
            "OIDC_ISSUER is set but OIDC_CLIENT_ID is not; use the id of the app registration"
        )
    secret, private_key = _client_credentials(env)
    scopes = " ".join(env.get("OIDC_SCOPES", "").split()) or "openid email profile"
    if "openid" not in scopes.split():
        raise ConfigError(f"OIDC_SCOPES={scopes!r} must contain openid")
    role_map = _role_map(env.get("OIDC_ROLE_MAP", ""))
    require_group = _flag(env, "OIDC_REQUIRE_GROUP", False)
    if require_group and not role_map:
        raise ConfigError("OIDC_REQUIRE_GROUP=true needs OIDC_ROLE_MAP (which groups may sign in)")
    return OidcSettings(
        issuer=issuer,
        client_id=client_id,
        client_secret=secret,
        private_key=private_key,
        scopes=scopes,
        department_claim=env.get("OIDC_DEPARTMENT_CLAIM", "").strip(),
        groups_claim=env.get("OIDC_GROUPS_CLAIM", "").strip() or "groups",
        role_map=role_map,
        require_group=require_group,
        email_verified_claim=env.get("OIDC_EMAIL_VERIFIED_CLAIM", "").strip() or "email_verified",
        session_hours=_int(env, "OIDC_SESSION_HOURS", 12, 1, 720),
    )


def _check_issuer(issuer: str) -> None:
    """https, or http on the loopback only (tests and local trials): an ID token
    fetched in the clear could be read or changed on the way."""
    parts = urlsplit(issuer)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS:
        return
    if parts.scheme == "http" and parts.hostname:
        raise ConfigError(
            f"OIDC_ISSUER={issuer!r}: http:// is only accepted on the loopback (127.0.0.1); use https://"
        )
    raise ConfigError(
        f"OIDC_ISSUER={issuer!r} is not valid; use the issuer URL, e.g. https://login.example.com/realms/firma"
    )


def _client_credentials(env) -> tuple[str, str]:
    """(client secret, private key PEM): exactly one of them."""
    secret = env.get("OIDC_CLIENT_SECRET", "").strip()
    key_file = env.get("OIDC_PRIVATE_KEY_FILE", "").strip()
    if bool(secret) == bool(key_file):
        raise ConfigError(
            "set exactly one of OIDC_CLIENT_SECRET and OIDC_PRIVATE_KEY_FILE (private_key_jwt)"
        )
    if not key_file:
        return secret, ""
    path = Path(key_file).expanduser()
    try:
        pem = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"OIDC_PRIVATE_KEY_FILE: cannot read {path}: {error}") from None
    if "PRIVATE KEY-----" not in pem:
        raise ConfigError(f"OIDC_PRIVATE_KEY_FILE: {path} holds no PEM private key")
    return "", pem


def _role_map(value: str) -> tuple[tuple[str, str], ...]:
    """ "ki-hr=hr,ki-trainer=trainer" -> (("ki-hr", "hr"), ("ki-trainer", "trainer"))."""
    from .accounts.access import ROLES  # a plain tuple; accounts imports nothing back

    pairs = []
    for part in (p.strip() for p in value.split(",")):
        if not part:
            continue
        group, equals, role = part.rpartition("=")
        if not equals or not group.strip() or role.strip() not in ROLES:
            raise ConfigError(
                f"OIDC_ROLE_MAP: {part!r} is not GROUP=ROLE with a role of {', '.join(ROLES)}"
            )
        pairs.append((group.strip(), role.strip()))
    return tuple(pairs)


def _break_glass(env) -> tuple[str, ...]:
    addresses = tuple(
        a.strip().lower() for a in env.get("BREAK_GLASS_ADMINS", "").split(",") if a.strip()
    )
    wrong = [a for a in addresses if "@" not in a]
    if wrong:
        raise ConfigError(f"BREAK_GLASS_ADMINS: not an e-mail address: {wrong[0]!r}")
    return addresses
