"""Property tests: no input, however broken, makes the loader or checker raise; every error is located.

Seeded (derandomize) so CI runs the same cases every time. Together the tests below
generate well over 5,000 documents per run.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from builder.rules.check import check_curriculum
from builder.source.load import load_text
from builder.source.model import CompetencySet
from builder.source.validate import validate

PROJECTS = Path(__file__).resolve().parents[1] / "projects"

SEED_SET = (PROJECTS / "minimal" / "sets" / "tst.yaml").read_text(encoding="utf-8")
SEED_PROGRAM = (PROJECTS / "minimal" / "program.yaml").read_text(encoding="utf-8")
COMMON = settings(derandomize=True, deadline=None, suppress_health_check=list(HealthCheck), database=None)

YAML_BITS = [
    ": ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    "&a ",
    "*a",
    "\t",
    "  ",
    "\n",
    "'",
    '"',
    "#",
    "|",
    ">",
    "---",
    "? ",
    "!!str ",
    "~",
    "null",
    "yes",
    "no",
    "1.10",
    "0x1F",
    "TST-1",
    "TST-9",
    "type: ",
    "single_choice",
    "\x00",
    "\ufeff",
    "é",
    "%YAML 1.1\n",
    "<<: *a\n",
    ",",
    "@",
    "`",
]


@st.composite
def mutated(draw: st.DrawFn, seed: str) -> str:
    lines = seed.split("\n")
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["delete", "duplicate", "indent", "dedent", "insert", "replace", "truncate", "swap"]))
        i = draw(st.integers(0, len(lines) - 1))
        if op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "indent":
            lines[i] = "  " + lines[i]
        elif op == "dedent":
            lines[i] = lines[i][2:] if lines[i].startswith("  ") else lines[i]
        elif op == "insert":
            pos = draw(st.integers(0, len(lines[i])))
            bit = draw(st.sampled_from(YAML_BITS) | st.text(max_size=4))
            lines[i] = lines[i][:pos] + bit + lines[i][pos:]
        elif op == "replace":
            if ": " in lines[i]:
                key = lines[i].split(": ", 1)[0]
                value = draw(st.sampled_from(YAML_BITS) | st.text(max_size=12) | st.integers().map(str))
                lines[i] = f"{key}: {value}"
        elif op == "truncate":
            lines = lines[: i + 1]
        elif op == "swap" and len(lines) > 1:
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines)


def _assert_located(diags: list, text: str) -> None:  # type: ignore[type-arg]
    n_lines = text.count("\n") + 2
    for d in diags:
        assert d.code and d.message, d
        assert 1 <= d.loc.line <= n_lines, d.render()
        assert d.loc.col >= 1, d.render()
        assert "Traceback" not in d.message


@settings(COMMON, max_examples=600)
@given(st.text(max_size=300))
def test_random_text_never_raises(text: str) -> None:
    doc, diags = load_text("x.yaml", text)
    _assert_located(diags, text)
    if doc is not None:
        _, more = validate(doc, CompetencySet)
        _assert_located(more, text)


@settings(COMMON, max_examples=2500)
@given(mutated(SEED_SET))
def test_mutated_set_never_raises_in_memory(text: str) -> None:
    doc, diags = load_text("tst.yaml", text)
    _assert_located(diags, text)
    if doc is not None:
        _, more = validate(doc, CompetencySet)
        _assert_located(more, text)


@settings(COMMON, max_examples=1200)
@given(mutated(SEED_SET), mutated(SEED_PROGRAM))
def test_mutated_curriculum_never_raises(set_text: str, program_text: str) -> None:
    root = Path(tempfile.mkdtemp(prefix="cp-fuzz-"))
    try:
        (root / "sets").mkdir()
        (root / "sets" / "tst.yaml").write_text(set_text, encoding="utf-8", errors="surrogatepass")
        (root / "program.yaml").write_text(program_text, encoding="utf-8", errors="surrogatepass")
        sources, diags = check_curriculum(root, base=root)
        for d in diags:
            assert d.loc.path in ("sets/tst.yaml", "program.yaml", "sets"), d.render()
        _assert_located([d for d in diags if d.loc.path == "sets/tst.yaml"], set_text)
        _assert_located([d for d in diags if d.loc.path == "program.yaml"], program_text)
        if sources is None:
            assert any(d.severity.value == "error" for d in diags)
    finally:
        shutil.rmtree(root)


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)


@settings(COMMON, max_examples=1000)
@given(st.dictionaries(st.sampled_from(list(CompetencySet.model_fields) + ["bogus"]), JSONISH, max_size=8))
def test_structured_garbage_gives_located_model_errors(data: dict) -> None:  # type: ignore[type-arg]
    import json

    text = json.dumps(data)  # JSON is YAML: flow style exercises the same loader
    doc, diags = load_text("x.yaml", text)
    _assert_located(diags, text)
    if doc is not None:
        _, more = validate(doc, CompetencySet)
        _assert_located(more, text)


# ---------------------------------------------------------------- check ok → build ok
# "Whatever check accepts, build writes": hostile values put into the text and number fields of a
# valid set, then, when check accepts the curriculum, a real build of every format but the PDF
# (kept out for speed; its renderer sees the same sanitised HTML the web export does).

TEXT_LINE = re.compile(
    r"^(\s*(?:- )?(?:title|summary|statement|prompt|text|feedback\w*|task|term|definition): )(.*)$"
)
NUMBER_LINE = re.compile(r"^(\s*(?:minutes|points|mastery_score|attempts): )(.*)$")
HOSTILE_BITS = [
    "\u202e", "\u200b", "]]>", "<![CDATA[", "{{ 7*7 }}", "{% raw %}",
    "<script>x</script>", "&amp;", "&#0;", "&#x7;", "&eacute;", "**", "*" * 60, "_" * 60, "> " * 30,
    "[a](javascript:x)", "![i](/etc/passwd)", "`", "\\", '"', "'", "%s", "${x}", "😀", "\U0010ffff",
]
ILLEGAL_BITS = ["\x07", "\x1b", "\ufffe", "\uffff", "\u0000"]  # check refuses these: sometimes one goes in
HOSTILE_TEXT = st.lists(
    st.sampled_from(HOSTILE_BITS) | st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=8),
    min_size=1,
    max_size=6,
).map("".join)
HOSTILE_NUMBER = st.integers(-(10**60), 10**60).map(str) | st.floats().map(repr) | st.sampled_from(["1e400", "-0"])
BUILD_FORMATS = ["scorm12", "scorm2004", "cmi5", "moodle_xml", "competency_csv", "web"]


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar: JSON's escapes, raw astral characters (YAML has no surrogate
    pairs), C1 controls escaped (YAML refuses them raw)."""
    return re.sub("[\x7f-\x9f]", lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False))


@st.composite
def hostile_values(draw: st.DrawFn) -> str:
    lines = SEED_SET.split("\n")
    texts = [i for i, line in enumerate(lines) if TEXT_LINE.match(line)]
    numbers = [i for i, line in enumerate(lines) if NUMBER_LINE.match(line)]
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.sampled_from(texts))
        lines[i] = TEXT_LINE.sub(lambda m: m.group(1) + _quoted(draw(HOSTILE_TEXT)), lines[i])
    if draw(st.integers(0, 9)) == 0:
        i = draw(st.sampled_from(texts))
        lines[i] = TEXT_LINE.sub(lambda m: m.group(1) + _quoted(draw(st.sampled_from(ILLEGAL_BITS))), lines[i])
    if draw(st.integers(0, 4)) == 0:
        i = draw(st.sampled_from(numbers))
        lines[i] = NUMBER_LINE.sub(lambda m: m.group(1) + draw(HOSTILE_NUMBER), lines[i])
    return "\n".join(lines)


@settings(COMMON, max_examples=40)
@given(hostile_values())
def test_what_check_accepts_build_writes(set_text: str) -> None:
    from builder.build import pipeline

    work = Path(tempfile.mkdtemp(prefix="cp-fuzz-build-"))
    try:
        root = work / "cur"
        (root / "sets").mkdir(parents=True)
        (root / "sets" / "tst.yaml").write_text(set_text, encoding="utf-8")
        (root / "program.yaml").write_text(SEED_PROGRAM, encoding="utf-8")
        sources, diags = check_curriculum(root, base=root)
        _assert_located(diags, set_text)
        if sources is None:
            assert any(d.severity.value == "error" for d in diags)
            event("refused by check")
            return
        event("built")
        result = pipeline.build(root, work / "dist", BUILD_FORMATS, workers=1, cache_dir=work / "cache")
        errors = [d.render() for d in result.diagnostics if d.severity.value == "error"]
        assert result.ok and not errors, errors
    finally:
        shutil.rmtree(work)
