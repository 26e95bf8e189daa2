"""Every diagnostic code is declared once, in builder/rules/registry.py, and the docs list it from there."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from builder.rules.diagnostics import Severity, SourceLoc
from builder.rules.registry import RULES, report
from builder.tools.docgen import message_reference

BUILDER = Path(__file__).resolve().parents[2] / "builder"
REPORTERS = {"report": None, "error": Severity.ERROR, "warning": Severity.WARNING}


def _calls() -> list[tuple[str, str, int, str]]:
    """(function, file, line, code) for each report/error/warning call with a literal code in builder/."""
    out = []
    for path in sorted(BUILDER.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            first = node.args[0]
            if name in REPORTERS and isinstance(first, ast.Constant) and isinstance(first.value, str):
                out.append((name, str(path.relative_to(BUILDER)), node.lineno, first.value))
    return out


def test_every_code_reported_in_builder_is_declared() -> None:
    undeclared = [c for c in _calls() if c[3] not in RULES]
    assert not undeclared, f"declare these in builder/rules/registry.py: {undeclared}"


def test_no_stage_names_a_severity_of_its_own() -> None:
    # report() is the only way to make a diagnostic of a declared code: no call passes a severity
    assert [c for c in _calls() if c[0] != "report"] == []


def test_every_declared_code_is_reported_somewhere() -> None:
    sources = "".join(p.read_text(encoding="utf-8") for p in BUILDER.rglob("*.py") if p.name != "registry.py")
    unused = [code for code in RULES if f'"{code}"' not in sources]
    assert not unused, f"declared but never reported (remove them from the registry): {unused}"


def test_one_code_one_severity_wherever_it_is_reported() -> None:
    # image-no-alt was an error when check found it and a warning when the PDF writer did (issue 16)
    loc = SourceLoc("x.yaml", 3, 1)
    assert report("image-no-alt", "m", loc).severity is Severity.ERROR


def test_the_message_reference_lists_every_code_with_its_fix() -> None:
    page = message_reference()
    rows = dict(re.findall(r"^\| `([a-z0-9-]+)` \| (error|warning) \|", page, flags=re.M))
    assert rows == {code: rule.severity.value for code, rule in RULES.items()}
    for rule in RULES.values():
        assert rule.meaning and rule.fix, rule.code
