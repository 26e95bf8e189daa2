"""XML is parsed without entities or network; templates come only from the theme chain."""

from __future__ import annotations

import ast
from pathlib import Path

import jinja2
import pytest

from builder.render.themes import load_theme
from builder.source.media import svg_problem

BUILDER = Path(__file__).resolve().parents[2] / "builder"
XML_CALLS = {"fromstring", "parse", "XML", "iterparse"}


def _xml_calls(tree: ast.AST) -> list[ast.Call]:
    calls = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in XML_CALLS:
            owner = node.func.value
            if isinstance(owner, ast.Name) and owner.id in ("etree", "ET", "ElementTree"):
                calls.append(node)
    return calls


def test_every_xml_parse_in_the_builder_uses_a_parser_without_entities_or_network() -> None:
    checked = 0
    for file in sorted(BUILDER.rglob("*.py")):
        source = file.read_text(encoding="utf-8")
        tree = ast.parse(source)
        for call in _xml_calls(tree):
            checked += 1
            assert len(call.args) >= 2 or any(k.arg == "parser" for k in call.keywords), (
                f"{file.name}:{call.lineno}: etree.{call.func.attr}() without an explicit safe parser"  # type: ignore[attr-defined]
            )
            assert "resolve_entities=False" in source and "no_network=True" in source, file.name
        assert "xml.etree" not in source and "xml.dom" not in source, f"{file.name}: use lxml with a safe parser"
    assert checked >= 1  # media.py parses SVG assets


def test_entities_in_an_svg_asset_are_never_expanded(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    svg = f'<!DOCTYPE svg [<!ENTITY x SYSTEM "file://{secret}">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>'
    assert "DTD" in (svg_problem(svg.encode()) or "")


@pytest.mark.parametrize("name", ["../../../../etc/passwd", "/etc/passwd", "..\\..\\etc\\passwd"])
def test_templates_cannot_be_loaded_from_outside_the_theme(name: str) -> None:
    env = load_theme("default").environment("pdf")
    with pytest.raises(jinja2.TemplateNotFound):
        env.get_template(name)
