from __future__ import annotations

from builder.source.load import load_text


def test_yaml_12_keeps_strings_and_numbers_as_written() -> None:
    doc, diags = load_text("x.yaml", "a: no\nb: on\nc: 1.10\nd: yes\ne: 2026-01-01\nf: 007\n")
    assert not diags and doc is not None
    assert doc.data["a"] == "no" and doc.data["b"] == "on" and doc.data["d"] == "yes"
    assert doc.data["c"].source == "1.10"
    assert doc.data["e"] == "2026-01-01"


def test_positions_of_keys_and_values() -> None:
    doc, _ = load_text("x.yaml", "top:\n  - id: A-1\n    list: [x, y]\n")
    assert doc is not None
    assert doc.loc(("top", 0, "id")).line == 2 and doc.loc(("top", 0, "id")).col == 9
    assert doc.loc(("top", 0, "id"), at_key=True).col == 5
    assert (doc.loc(("top", 0, "list", 1)).line, doc.loc(("top", 0, "list", 1)).col) == (3, 15)
    # unknown deeper paths fall back to the nearest known ancestor
    assert doc.loc(("top", 0, "list", 1, "nope")).col == 15


def test_duplicate_keys_are_errors_with_both_lines() -> None:
    _, diags = load_text("x.yaml", "a: 1\nb: 2\na: 3\n")
    assert [(d.code, d.loc.line) for d in diags] == [("duplicate-key", 3)]
    assert "first at line 1" in diags[0].message


def test_aliases_are_expanded_within_budget() -> None:
    doc, diags = load_text("x.yaml", "base: &b {x: 1}\nother: *b\n")
    assert not diags and doc is not None and doc.data["other"] == {"x": 1}


def test_bom_is_accepted() -> None:
    doc, diags = load_text("x.yaml", "a: b\n")
    assert doc is not None and not diags
