"""The cmi5 AU in headless chromium against a tiny LMS/LRS on 127.0.0.1.

The AU and the LRS are on different origins, as in most LMSs, so CORS, the launch page's
Content-Security-Policy and keepalive requests on pagehide are exercised for real. The stub plays
the LMS's part of cmi5: one-time fetch URLs, the LMS.LaunchData document, the "launched"
statement; it records every statement and keeps every State API document.
"""

from __future__ import annotations

import functools
import json
import re
import threading
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from lxml import etree
from playwright.sync_api import Page
from support.interactions import FORMATS, TYPES, expected
from support.projects import MINIMAL, course_of

from builder.build.output import OutDir
from builder.formats.base import Job, Options
from builder.formats.cmi5.writer import Cmi5
from builder.render.context import WriteContext
from builder.render.themes import load_theme

from .conftest import Sco, _Quiet

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser-runtime")]
CMI5 = "https://w3id.org/xapi/cmi5/context/"
SESSION = CMI5 + "extensions/sessionid"
CATEGORY = {"id": CMI5 + "categories/cmi5"}
MOVEON = {"id": CMI5 + "categories/moveon"}
VERBS = "http://adlnet.gov/expapi/verbs/"
ACTOR = {"objectType": "Agent", "account": {"homePage": "https://lms.example.org", "name": "learner-7"}}
ISO_DURATION = FORMATS["2004"]["latency"]
ANSWERED_ELSEWHERE = "Failed to load resource"  # the 404s of absent State documents, which xAPI prescribes


def _agent(text: str) -> str:
    return json.dumps(json.loads(text), sort_keys=True)


@dataclass
class Lrs:
    """What the LMS knows: tokens by fetch key, State documents, statements in the order they arrived."""

    url: str = ""
    tokens: dict[str, str] = field(default_factory=dict)
    fetches: list[str] = field(default_factory=list)
    state: dict[tuple[str, str, str, str], Any] = field(default_factory=dict)
    statements: list[dict[str, Any]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def launch(self, au_url: str, activity_id: str, registration: str, session: str, data: dict[str, Any]) -> str:
        """Prepare a session as an LMS does before launching, and return the launch URL."""
        key = uuid.uuid4().hex
        self.tokens[key] = uuid.uuid4().hex
        template = {
            "contextActivities": {"grouping": [{"id": data.pop("publisherId")}]},
            "extensions": {SESSION: session},
        }
        self.state[(activity_id, _agent(json.dumps(ACTOR)), registration, "LMS.LaunchData")] = {
            "contextTemplate": template,
            **data,
        }
        context = json.loads(json.dumps(template))
        context["registration"] = registration
        context["contextActivities"]["category"] = [CATEGORY]
        self.statements.append(
            {
                "id": str(uuid.uuid4()),
                "actor": ACTOR,
                "verb": {"id": VERBS + "launched"},
                "object": {"id": activity_id},
                "context": context,
                "timestamp": "2026-01-01T00:00:00.000Z",
            }
        )
        query = {
            "endpoint": f"{self.url}/xapi/",
            "fetch": f"{self.url}/fetch?k={key}",
            "actor": json.dumps(ACTOR),
            "registration": registration,
            "activityId": activity_id,
        }
        return f"{au_url}?{urlencode(query)}"

    def session(self, session: str) -> list[dict[str, Any]]:
        with self.lock:
            return [s for s in self.statements if s["context"]["extensions"].get(SESSION) == session]

    def wait_for(self, session: str, verb: str, timeout: float = 10) -> list[dict[str, Any]]:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            got = self.session(session)
            if got and got[-1]["verb"]["id"] == VERBS + verb:
                return got
            time.sleep(0.05)
        raise AssertionError(f"no {verb} in session {session}: {[s['verb']['id'] for s in self.session(session)]}")


def _handler(lrs: Lrs) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
            pass

        def reply(self, status: int, body: Any = None) -> None:
            data = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Experience-API-Version")
            self.send_header("Access-Control-Allow-Methods", "GET, PUT, POST, OPTIONS")
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def body(self) -> Any:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            return json.loads(raw) if raw else None

        def authorised(self) -> bool:
            token = (self.headers.get("Authorization") or "").removeprefix("Basic ")
            ok = token in lrs.tokens.values() and self.headers.get("X-Experience-API-Version", "").startswith("1.0")
            if not ok:
                lrs.refused.append(f"{self.command} {self.path}")
                self.reply(401)
            return ok

        def state_key(self) -> tuple[str, str, str, str]:
            q = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
            return q["activityId"], _agent(q["agent"]), q.get("registration", ""), q["stateId"]

        def do_OPTIONS(self) -> None:  # noqa: N802 - the stdlib's name
            self.reply(204)

        def do_POST(self) -> None:  # noqa: N802
            path = urlsplit(self.path).path
            if path == "/fetch":
                key = parse_qs(urlsplit(self.path).query)["k"][0]
                lrs.fetches.append(key)
                if lrs.fetches.count(key) > 1:  # one-time URL (cmi5 8.2.3)
                    self.reply(200, {"error-code": "1", "error-text": "The token has already been returned."})
                else:
                    self.reply(200, {"auth-token": lrs.tokens[key]})
            elif path == "/xapi/statements" and self.authorised():
                got = self.body()
                batch = got if isinstance(got, list) else [got]
                with lrs.lock:
                    known = {s["id"] for s in lrs.statements}
                    lrs.statements.extend(s for s in batch if s["id"] not in known)
                self.reply(200, [s["id"] for s in batch])

        def do_GET(self) -> None:  # noqa: N802
            path = urlsplit(self.path).path
            if not self.authorised():
                return
            if path == "/xapi/activities/state" and self.state_key() in lrs.state:
                self.reply(200, lrs.state[self.state_key()])
            else:
                self.reply(404)

        def do_PUT(self) -> None:  # noqa: N802
            if urlsplit(self.path).path == "/xapi/activities/state" and self.authorised():
                if self.state_key()[3] == "LMS.LaunchData":  # the AU must not touch the LMS's document
                    lrs.refused.append("PUT LMS.LaunchData")
                lrs.state[self.state_key()] = self.body()
                self.reply(204)

    return Handler


def _serve(handler: Callable[..., BaseHTTPRequestHandler]) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


@dataclass
class Au:
    url: str
    au_id: str
    mastery: float
    move_on: str


@pytest.fixture(scope="module")
def au(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Au]:
    course = course_of(MINIMAL)
    out = OutDir(tmp_path_factory.mktemp("cmi5"))
    assert not Cmi5().write(course, Job("cmi5", "TST"), WriteContext(load_theme("default"), "en"), out, Options())
    root = tmp_path_factory.mktemp("au")
    with zipfile.ZipFile(out.path("TST.zip")) as zf:
        zf.extractall(root)
    ns = {"c": "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"}
    node = etree.parse(str(root / "cmi5.xml")).find("c:au", ns)
    assert node is not None
    server, url = _serve(functools.partial(_Quiet, directory=str(root)))
    yield Au(
        f"{url}/{node.findtext('c:url', namespaces=ns)}",
        node.get("id", ""),
        float(node.get("masteryScore", "")),
        node.get("moveOn", ""),
    )
    server.shutdown()
    server.server_close()


@pytest.fixture
def lrs() -> Iterator[Lrs]:
    store = Lrs()
    server, store.url = _serve(_handler(store))
    yield store
    server.shutdown()
    server.server_close()
    assert not store.refused, store.refused


class Session:
    """One launch of the AU: the learner in the page, the statements under its session id."""

    def __init__(self, page: Page, lrs: Lrs, au: Au, registration: str, **launch_data: Any):
        self.id = str(uuid.uuid4())
        self.page, self.lrs = page, lrs
        self.activity_id = "https://lms.example.org/activities/" + registration[:8] + "/au-1"
        data = {
            "publisherId": au.au_id,
            "launchMode": "Normal",
            "masteryScore": au.mastery,
            "moveOn": au.move_on,
            **launch_data,
        }
        self.url = lrs.launch(au.url, self.activity_id, registration, self.id, data)
        page.goto(self.url)
        page.wait_for_selector("#screen h2")
        self.sco = Sco(page, "cmi5", page.main_frame)

    def answer(self, right: bool) -> tuple[str, bool, str | None]:
        item_id = self.sco.item()["id"]
        self.sco.answer(right)
        self.sco.next()
        return item_id, right, None

    def close(self) -> list[dict[str, Any]]:
        """The learner leaves: pagehide; returns the session's statements once terminated arrived."""
        self.page.goto("about:blank")
        return self.lrs.wait_for(self.id, "terminated")


def verbs(statements: list[dict[str, Any]]) -> list[str]:
    return [s["verb"]["id"].removeprefix(VERBS) for s in statements]


def check_session(got: list[dict[str, Any]], sess: Session, registration: str, au: Au) -> None:
    """What every statement of a session must carry (cmi5 9.x), whatever its verb."""
    stamps = [s["timestamp"] for s in got]
    assert stamps == sorted(stamps)  # cmi5 orders by timestamp: arrival order must agree
    assert len({s["id"] for s in got}) == len(got)
    for s in got:
        assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", s["id"])
        assert s["actor"] == ACTOR and s["timestamp"].endswith("Z")
        ctx = s["context"]
        assert ctx["registration"] == registration and ctx["extensions"][SESSION] == sess.id
        assert {"id": au.au_id} in ctx["contextActivities"]["grouping"]  # the template is kept
        category = ctx["contextActivities"].get("category", [])
        result = s.get("result", {})
        if s["verb"]["id"] == VERBS + "answered":  # cmi5 "allowed": no cmi5 category
            assert category == [] and s["object"]["id"].startswith(sess.activity_id + "/")
            assert ctx["contextActivities"]["parent"] == [{"id": sess.activity_id}]
        else:  # cmi5 "defined"
            assert s["object"]["id"] == sess.activity_id
            assert CATEGORY in category
            assert (MOVEON in category) == ("success" in result or "completion" in result)
        if s["verb"]["id"] in (VERBS + "terminated", VERBS + "completed", VERBS + "passed", VERBS + "failed"):
            assert re.fullmatch(ISO_DURATION, result["duration"]), result


def check_answers(got: list[dict[str, Any]], sco: Sco, answers: list[tuple[str, bool, str | None]]) -> None:
    answered = [s for s in got if s["verb"]["id"] == VERBS + "answered"]
    items = {it["id"]: it for it in sco.content["items"]}
    assert [s["object"]["id"].rsplit("/", 1)[1] for s in answered] == [a[0] for a in answers]
    for s, (item_id, right, text) in zip(answered, answers, strict=True):
        it, definition, result = items[item_id], s["object"]["definition"], s["result"]
        patterns, response = expected(it, "2004", right, text)  # xAPI interaction syntax is SCORM 2004's
        assert definition["type"] == "http://adlnet.gov/expapi/activities/cmi.interaction"
        assert definition["interactionType"] == TYPES[it["type"]]
        assert definition["correctResponsesPattern"] == patterns
        assert result["response"] == response and result["success"] is right
        assert re.fullmatch(ISO_DURATION, result["duration"])
        if it["type"] == "matching":
            assert [c["id"] for c in definition["source"]] == [x["key"] for x in it["sources"]]


def judged(got: list[dict[str, Any]], verb: str) -> dict[str, Any]:
    found = [s for s in got if s["verb"]["id"] == VERBS + verb]
    assert len(found) == 1, verbs(got)
    return found[0]


def test_three_sessions_resume_fail_retry_and_pass(page: Page, lrs: Lrs, au: Au) -> None:
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    registration = str(uuid.uuid4())
    # The LMS may raise the package's mastery score (cmi5 10.2.4): 6 of 7 points (85.71%) then fails.
    assert au.mastery == 0.75 and au.move_on == "CompletedAndPassed"
    mark = 0.9

    # Session 1: two answers, one wrong, then the learner leaves on the third question.
    one = Session(page, lrs, au, registration, masteryScore=mark)
    assert page.is_hidden("#preview")
    one.sco.go_to_assessment()
    first = [one.answer(True), one.answer(False)]
    third = one.sco.heading()
    got = one.close()
    assert verbs(got) == ["launched", "initialized", "answered", "answered", "terminated"]
    check_session(got[1:], one, registration, au)
    check_answers(got, one.sco, first)
    bookmark = lrs.state[(one.activity_id, _agent(json.dumps(ACTOR)), registration, "coursepack.bookmark")]
    assert bookmark["location"].startswith("q") and bookmark["suspend"].startswith("c1|")

    # Session 2: back on the same question with the earlier answers; finishing fails against the LMS's mark,
    # and a second attempt right away passes, which cmi5 lets the AU say only in the next session (9.3).
    two = Session(page, lrs, au, registration, masteryScore=mark)
    assert two.sco.heading() == third
    rest = [two.answer(True) for _ in range(len(two.sco.content["items"]) - 2)]
    assert "85%" in page.inner_text("#screen")  # the result it reports (85.71), in whole percent rounded down
    page.click("#screen button.primary")  # retry
    page.click("#screen button.primary")  # start
    again = [two.answer(True) for _ in two.sco.content["items"]]
    got = two.close()
    answered = ["answered"] * len(rest)
    assert verbs(got) == [
        "launched",
        "initialized",
        *answered,
        "failed",
        "completed",
        *answered,
        "answered",
        "answered",
        "terminated",
    ]
    check_session(got[1:], two, registration, au)
    check_answers(got, two.sco, rest + again)
    failed = judged(got, "failed")
    assert failed["result"]["success"] is False
    assert failed["result"]["score"] == {"scaled": 0.8571, "raw": 85, "min": 0, "max": 100}
    assert failed["context"]["extensions"][CMI5 + "extensions/masteryscore"] == mark
    assert judged(got, "completed")["result"]["completion"] is True
    assert "score" not in judged(got, "completed")["result"]

    # Session 3: the waiting verdict goes out; completed is not sent twice in one registration.
    three = Session(page, lrs, au, registration, masteryScore=mark)
    assert three.sco.heading() == three.sco.content["strings"]["results"]
    got = three.close()
    assert verbs(got) == ["launched", "initialized", "passed", "terminated"]
    check_session(got[1:], three, registration, au)
    passed = judged(got, "passed")
    assert passed["result"]["success"] is True
    assert passed["result"]["score"] == {"scaled": 1, "raw": 100, "min": 0, "max": 100}
    assert passed["context"]["extensions"][CMI5 + "extensions/masteryscore"] == mark

    # A reload of the last launch finds its fetch URL spent: a preview, and nothing more for the LRS.
    count = len(lrs.statements)
    page.goto(three.url)
    page.wait_for_selector("#screen h2")
    assert page.is_visible("#preview") and len(lrs.statements) == count
    assert lrs.fetches.count(lrs.fetches[-1]) == 2
    lrs.fetches.pop()

    assert sorted(lrs.fetches) == sorted(lrs.tokens)  # every fetch URL used exactly once
    assert not [m for m in console if not m.startswith(ANSWERED_ELSEWHERE)], console


def test_browse_mode_judges_nothing(page: Page, lrs: Lrs, au: Au) -> None:
    registration = str(uuid.uuid4())
    sess = Session(page, lrs, au, registration, launchMode="Browse")
    sess.sco.go_to_assessment()
    for _ in sess.sco.content["items"]:
        sess.answer(True)
    assert "100%" in page.inner_text("#screen")
    got = sess.close()
    assert verbs(got) == ["launched", "initialized", "terminated"]  # cmi5 10.2.2
    check_session(got[1:], sess, registration, au)
    assert not [k for k in lrs.state if k[3] != "LMS.LaunchData"]  # a look around leaves no bookmark


def test_without_launch_parameters_the_player_is_a_preview(page: Page, lrs: Lrs, au: Au) -> None:
    page.goto(au.url)
    page.wait_for_selector("#screen h2")
    assert page.is_visible("#preview") and not lrs.fetches and not lrs.statements
