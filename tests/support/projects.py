"""Sample curricula for the SCORM tests, and packages built from them.

`real_sets()` wraps every bundled set, each checked on its own, in a program that requires them all;
a bundled set that fails its check fails the tests that use it.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from builder.build.output import OutDir
from builder.formats.base import Job, Options
from builder.formats.scorm.common import ScormFormat
from builder.formats.scorm.scorm12 import Scorm12
from builder.formats.scorm.scorm2004 import Scorm2004
from builder.render.context import WriteContext
from builder.render.themes import load_theme
from builder.resolve.course import Course, resolve
from builder.rules.check import check_curriculum
from builder.rules.diagnostics import Severity

REPO = Path(__file__).resolve().parents[2]
MINIMAL = REPO / "tests" / "projects" / "minimal"
FORMATS: dict[str, ScormFormat] = {"1.2": Scorm12(), "2004": Scorm2004()}
VALIDATE = REPO / ".." / "shared" / "standards" / "validate.py"


def course_of(root: Path) -> Course:
    sources, diags = check_curriculum(root, base=root)
    errors = [d.render() for d in diags if d.severity is Severity.ERROR]
    assert sources is not None and not errors, errors
    return resolve(sources)


def _program(codes: list[str]) -> str:
    text = (MINIMAL / "program.yaml").read_text(encoding="utf-8")
    # the bundled programme's evaluation scale, which rubrics without levels of their own rate on
    real = (REPO / "curriculum" / "program.yaml").read_text(encoding="utf-8")
    scale = re.search(r"^evaluation:\n(?:[ #].*\n|\n)*", real, re.M)
    return re.sub(r"required: \[TST\]", f"required: [{', '.join(codes)}]", text) + (scale[0] if scale else "")


def real_sets(target: Path) -> Path:
    """A curriculum folder with every bundled set, each checked clean on its own: a bundled set that fails
    its check fails the test that asks for it, with the set's messages (it is never silently left out)."""
    good: list[tuple[str, Path]] = []
    failed: list[str] = []
    for f in sorted((REPO / "curriculum" / "sets").glob("*.y*ml")):
        match = re.search(r"^code:\s*([A-Z][A-Z0-9]+)\s*$", f.read_text(encoding="utf-8"), re.M)
        assert match, f"{f.name}: no `code:` line"
        trial = target / "trial" / f.stem
        (trial / "sets").mkdir(parents=True)
        shutil.copy(f, trial / "sets" / f.name)
        (trial / "program.yaml").write_text(_program([match[1]]), encoding="utf-8")
        sources, diags = check_curriculum(trial, base=trial)
        errors = [d.render() for d in diags if d.severity is Severity.ERROR]
        if sources is None or errors:
            failed += [f"{f.name}:", *errors]
        good.append((match[1], f))
    assert not failed, "bundled sets that fail their check:\n" + "\n".join(failed)
    root = target / "real"
    (root / "sets").mkdir(parents=True)
    for _, f in good:
        shutil.copy(f, root / "sets" / f.name)
    (root / "program.yaml").write_text(_program([c for c, _ in good]), encoding="utf-8")
    return root


def pooled(target: Path) -> Path:
    """The minimal set with shuffling, two attempts, a pool drawing one of its two first items,
    and a matching item with more than nine pairs (SCORM 1.2 identifiers are single characters)."""
    root = target / "pooled"
    shutil.copytree(MINIMAL, root)
    f = root / "sets" / "tst.yaml"
    text = f.read_text(encoding="utf-8")
    text = text.replace("shuffle: false", "shuffle: true").replace(
        "  attempts: 0\n", "  attempts: 2\n  pools:\n    - id: TST-PL1\n      draw: 1\n      items: [TST-Q1, TST-Q2]\n"
    )
    more = "".join(f'        - {{left: "{n}00.{n}", right: Subject {n}}}\n' for n in range(1, 9))
    last_pair = '        - {left: "900", right: History}\n'
    assert last_pair in text
    f.write_text(text.replace(last_pair, last_pair + more), encoding="utf-8")
    return root


def build(root: Path, out: Path, version: str) -> dict[str, Path]:
    """Each set's package for one SCORM version: {code: zip path}."""
    course = course_of(root)
    fmt = FORMATS[version]
    theme = WriteContext(load_theme(course.program.theme), course.program.language)
    folder = OutDir(out / fmt.folder)
    zips = {}
    for s in course.sets:
        diags = fmt.write(course, Job(fmt.name, s.code), theme, folder, Options())
        assert not diags, [d.render() for d in diags]
        zips[s.code] = folder.path(f"{s.code}.zip")
    return zips


# Every field the player shows, as (path in tst.yaml); each gets every XSS payload at once.
HOSTILE_FIELDS = [
    ("title",), ("summary",), ("outcomes", 0, "statement"), ("lessons", 0, "title"), ("lessons", 0, "body"),
    ("assessment", "items", 0, "prompt"), ("assessment", "items", 0, "choices", 0, "text"),
    ("assessment", "items", 0, "choices", 1, "feedback"), ("assessment", "items", 1, "feedback"),
    ("assessment", "items", 2, "feedback_true"), ("assessment", "items", 2, "feedback_false"),
    ("assessment", "items", 3, "answers", 0), ("assessment", "items", 3, "feedback_correct"),
    ("assessment", "items", 4, "pairs", 0, "left"), ("assessment", "items", 4, "pairs", 1, "right"),
    ("assessment", "items", 5, "sequence", 0), ("assessment", "items", 5, "feedback_correct"),
]


def hostile(target: Path) -> Path:
    """The minimal set with script-injection attempts in every field the player shows."""
    from ruamel.yaml import YAML
    from security.payloads import XSS_PAYLOADS

    root = target / "hostile"
    shutil.copytree(MINIMAL, root)
    yaml = YAML()
    path = root / "sets" / "tst.yaml"
    data = yaml.load(path.read_text(encoding="utf-8"))
    for field in HOSTILE_FIELDS:
        node = data
        for part in field[:-1]:
            node = node[part]
        # accepted answers are typed by the learner: one payload that fits the input
        node[field[-1]] = XSS_PAYLOADS[2] if "answers" in field else " ".join(XSS_PAYLOADS)
    with path.open("w", encoding="utf-8") as fh:
        yaml.dump(data, fh)
    return root


def _long_id(n: int) -> str:
    """An item id of the longest length the model allows (60 characters)."""
    head = f"TST-Q{n:02d}-"
    return head + "L" * (60 - len(head))


def near_limit(target: Path, fill_ins: int = 13, orderings: int = 6, singles: int = 2) -> Path:
    """The minimal project with a set whose saved state can reach just under SCORM 1.2's 4,096 characters:
    fill-in items (each answer may be stored as 300 characters), 26-step orderings and single choices,
    every item with a 60-character id."""
    from ruamel.yaml import YAML

    root = target / "near-limit"
    shutil.copytree(MINIMAL, root)
    path = root / "sets" / "tst.yaml"
    yaml = YAML()
    data = yaml.load(path.read_text(encoding="utf-8"))
    items: list[dict[str, object]] = []
    feedback = {"feedback_correct": "Right.", "feedback_incorrect": "Not so."}
    for n in range(fill_ins):
        items.append({"id": _long_id(len(items)), "type": "fill_in", "outcomes": ["TST-1"],
                      "prompt": f"Fill-in {n + 1}.", "answers": [f"answer {n + 1}"], **feedback})
    for n in range(orderings):
        items.append({"id": _long_id(len(items)), "type": "ordering", "outcomes": ["TST-2"],
                      "prompt": f"Ordering {n + 1}.", "sequence": [f"Step {k + 1:02d}" for k in range(26)],
                      **feedback})
    for n in range(singles):
        items.append({"id": _long_id(len(items)), "type": "single_choice", "outcomes": ["TST-1"],
                      "prompt": f"Choice {n + 1}.",
                      "choices": [{"text": "Yes", "correct": True, "feedback": "Right."},
                                  {"text": "No", "feedback": "Not so."}]})
    data["assessment"]["items"] = items
    with path.open("w", encoding="utf-8") as fh:
        yaml.dump(data, fh)
    return root


def fill_in_items(n: int, answer: str) -> str:
    """YAML for `n` fill-in items of the minimal set (ids TST-F0…), each accepting `answer`."""
    return "".join(f"""    - id: TST-F{k}
      type: fill_in
      outcomes: [TST-1]
      prompt: Type it.
      answers: [{answer}]
      feedback_correct: Yes.
      feedback_incorrect: No.
""" for k in range(n))
