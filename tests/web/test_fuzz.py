"""Fuzzing every route (issue 12, must-have 3): no input gives a 500.

Routes come from the app's URL map; each is requested as a role that may use it (the
learner for their own records, the declared role for role-only pages, anonymous for
public ones). Path parameters, query parameters and the fields of every form get text
with NUL, control and bidi characters, lone surrogates, huge numbers and very long
strings. The forms and their field names are found by reading every page (as a role
that may see it), so prefixed fields (`invite-emails`, `u7-roles`) are hit too.

The examples are derived from a fixed seed (`derandomize`), so the test is the same on
every run and on both databases; `FUZZ_EXAMPLES=30 FUZZ_RANDOM=1` searches deeper and
differently each run.
"""

from __future__ import annotations

import io
import os
import re
from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.exceptions import HTTPException

from academy.accounts import access
from tests.fixtures.web import csrf_token
from tests.web.test_access import OWNED_BY_LEARNER, World, routes
from tests.web.test_access import world as world

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=os.environ.get("FUZZ_RANDOM") != "1",
    suppress_health_check=list(HealthCheck),
)
# Not fuzzed: signing out would end the role's session for the routes after it.
SKIPPED = {"accounts.logout"}
# Query parameters the views read (request.args), besides those of the GET forms.
QUERY_NAMES = [
    "q",
    "page",
    "next",
    "show",
    "format",
    "course",
    "version",
    "against",
    "question",
    "lang",
    "action",
    "confirm",
    "number",
    "status",
    "department",
    "sort",
]
NASTY = [
    "\x00",
    "a\x00b",
    "\r\nSet-Cookie: x=1",
    "\u202eevil\u202c",
    "\u200b\u200b",
    "\ud800",  # a lone surrogate
    "x\udfffy",
    "9" * 40,
    "-1",
    "2147483648",
    "9223372036854775808",
    "1e309",
    "NaN",
    "x" * 5000,
    "../../etc/passwd",
    "%00",
    "//evil.example",
    "<script>alert(1)</script>",
    "",
    " ",
    "\ufeff",
    "ä" * 300,
]
text = st.one_of(
    st.sampled_from(NASTY),
    st.text(st.characters(blacklist_categories=()), max_size=40),  # surrogates included
    st.integers().map(str),
)
ids = st.one_of(st.sampled_from([0, 1, 2, 3, 4, 2**31 - 1, 2**31, 2**63, 10**30]), st.integers(0))
ARGUMENT = re.compile(r"<(?:([^<>:]+):)?(\w+)>")


def wire(value: str) -> bytes:
    """What a client may put on the wire: lone surrogates as their (invalid) UTF-8."""
    return value.encode("utf-8", "surrogatepass")


def readable(value: str) -> str:
    """For multipart bodies, which the test client encodes itself."""
    return wire(value).decode("utf-8", "replace")


# --- the forms on every page -------------------------------------------------------------------


class FormReader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._current: dict | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self._current = {
                "method": (attributes.get("method") or "get").lower(),
                "action": attributes.get("action") or "",
                "multipart": attributes.get("enctype") == "multipart/form-data",
                "fields": {},
            }
            self.forms.append(self._current)
        elif tag in ("input", "select", "textarea", "button") and attributes.get("name"):
            form = self._current
            if form is not None:
                form["fields"][attributes["name"]] = attributes.get("type") or tag

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def role_for(app: Flask, endpoint: str) -> str:
    """A role that may use the route, so the fuzzed input reaches the view."""
    view = app.view_functions[endpoint]
    if access.rule_of(view) == access.PUBLIC:
        return "anonymous"
    if endpoint in OWNED_BY_LEARNER:
        return "learner"
    return view.access_roles[0] if view.access_roles else "learner"


def discover_forms(world: World) -> dict[str, dict[str, str]]:
    """endpoint -> {field name: type}, from the forms of every page (read as a role
    that may see it)."""
    app = world.app
    adapter = app.url_map.bind("localhost")
    fields: dict[str, dict[str, str]] = defaultdict(dict)
    for rule in routes(app, "GET"):
        response = world.clients[role_for(app, rule.endpoint)].get(world.url(rule))
        response.close()
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        reader = FormReader()
        reader.feed(response.get_data(as_text=True))
        for form in reader.forms:
            path = urlsplit(form["action"]).path or world.url(rule)
            try:
                endpoint, _ = adapter.match(path, method=form["method"].upper())
            except HTTPException:
                continue  # a form to another site (none) or to a path that is no route
            fields[endpoint].update(form["fields"])
            if form["multipart"]:
                fields[endpoint]["__multipart__"] = "yes"
    return fields


# --- requests ------------------------------------------------------------------------------------


def fuzzed_path(world: World, rule, draw) -> str:
    """The rule's path with each argument fuzzed, or (half the time) the real record's
    value, so that the forms of existing records are reached too."""
    real = {**world.values, **world.by_endpoint.get(rule.endpoint, {})}

    def value(match: re.Match) -> str:
        converter, name = match.group(1) or "default", match.group(2)
        if real.get(name) is not None and draw(st.booleans()):
            return quote(str(real[name]), safe="/")
        if converter == "int":
            return str(draw(ids))
        if converter.startswith("any("):
            return draw(st.sampled_from([*re.findall(r"[\w.]+", converter[4:]), "x"]))
        return quote(wire(draw(text)) or b"x", safe="/" if converter == "path" else "")

    return ARGUMENT.sub(value, rule.rule)


def query(names: list[str], draw) -> str:
    chosen = draw(st.lists(st.sampled_from(names), max_size=4, unique=True))
    return "&".join(f"{quote(name)}={quote(wire(draw(text)))}" for name in chosen)


def post_fuzzed(client, path: str, fields: dict[str, str], token: str, draw):
    values = {name: draw(text) for name in fields if name not in ("csrf_token", "__multipart__")}
    if "__multipart__" in fields:
        data: dict = {"csrf_token": token}
        for name, value in values.items():
            if fields[name] == "file":
                data[name] = (io.BytesIO(wire(value)), draw(st.sampled_from(["a.csv", "b.zip"])))
            else:
                data[name] = readable(value)
        return client.post(path, data=data, content_type="multipart/form-data")
    body = "&".join(
        [f"csrf_token={quote(token)}"]
        + [f"{quote(name)}={quote(wire(value))}" for name, value in values.items()]
    )
    return client.post(path, data=body, content_type="application/x-www-form-urlencoded")


def check(response, method: str, path: str) -> None:
    response.make_sequence()
    response.close()
    assert response.status_code < 500, f"{method} {path} -> {response.status_code}"


def fuzz_get(world: World, rule, client, names: list[str]):
    @FUZZ
    @given(st.data())
    def get(data):
        path = fuzzed_path(world, rule, data.draw)
        target = f"{path}?{query(names, data.draw)}"
        check(client.get(target), "GET", target)

    return get


def fuzz_post(world: World, rule, client, fields: dict[str, str]):
    token = csrf_token(client)

    @FUZZ
    @given(st.data())
    def post(data):
        path = fuzzed_path(world, rule, data.draw)
        check(post_fuzzed(client, path, fields, token, data.draw), "POST", path)

    return post


def test_no_input_gives_a_500(world):
    """Every route is fuzzed, even after another failed: the report names them all."""
    app = world.app
    forms = discover_forms(world)
    every_field = {name: kind for fields in forms.values() for name, kind in fields.items()}
    every_field.pop("__multipart__", None)
    failures: list[str] = []
    for rule in routes(app, "GET"):
        client = world.clients[role_for(app, rule.endpoint)]
        names = QUERY_NAMES + list(forms.get(rule.endpoint, {}))
        _collect(failures, "GET", rule, fuzz_get(world, rule, client, names))
    for rule in routes(app, "POST"):
        if rule.endpoint not in SKIPPED:
            client = world.clients[role_for(app, rule.endpoint)]
            fields = forms.get(rule.endpoint) or every_field
            _collect(failures, "POST", rule, fuzz_post(world, rule, client, fields))
    assert not failures, "\n\n".join(failures)


def _collect(failures: list[str], method: str, rule, fuzz) -> None:
    try:
        fuzz()
    except Exception as error:
        failures.append(f"{method} {rule.rule}: {type(error).__name__}: {str(error)[:1500]}")


def test_a_slug_longer_than_a_file_name_is_not_found(signed_in):
    """Found by the fuzzing above: the trainer's course page looked for a folder by that
    name, and the file system refused it with an error (500)."""
    trainer, _ = signed_in("trainer")
    for path in ("/trainer/courses/{}", "/trainer/courses/{}/versions", "/courses/{}/"):
        assert trainer.get(path.format("x" * 5000)).status_code == 404
    assert trainer.get("/trainer/courses/Gro%C3%9F").status_code == 404
