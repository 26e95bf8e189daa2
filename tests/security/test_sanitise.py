"""Every text field of a set goes through one sanitiser: no payload survives into the Course's HTML."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from builder.resolve.course import resolve
from builder.rules.check import check_curriculum
from builder.source import markup

from .payloads import XSS_PAYLOADS, unsafe_markup

TEXT_FIELDS = [
    ("summary",),
    ("outcomes", 0, "statement"),
    ("lessons", 0, "title"),
    ("lessons", 0, "body"),
    ("assessment", "items", 0, "prompt"),
    ("assessment", "items", 0, "choices", 0, "text"),
    ("assessment", "items", 0, "choices", 1, "feedback"),
    ("assessment", "items", 2, "feedback_true"),
    ("assessment", "items", 3, "answers", 0),
    ("assessment", "items", 4, "pairs", 0, "left"),
    ("assessment", "items", 5, "sequence", 0),
    ("assessment", "items", 5, "feedback_incorrect"),
    ("portfolio", 0, "task"),
    ("portfolio", 0, "evidence", 0),
    ("portfolio", 0, "rubric", "criteria", 0, "name"),
    ("portfolio", 0, "rubric", "criteria", 0, "descriptors", 0),
    ("glossary", 0, "definition"),
    ("title",),
]


def _html_values(obj: Any) -> list[str]:
    found: list[str] = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if isinstance(v, str) and (k.endswith("html") or k == "html"):
                found.append(v)
            else:
                found += _html_values(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            found += _html_values(v)
    return found


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_markdown_renderer_strips_every_payload(payload: str) -> None:
    for rendered in (markup.block(payload), markup.inline(payload), markup.sanitize(payload)):
        assert unsafe_markup(rendered) == [], (payload, rendered)


def test_payload_list_is_long_enough() -> None:
    assert len(XSS_PAYLOADS) >= 30


@pytest.mark.parametrize("field", TEXT_FIELDS, ids=lambda f: ".".join(map(str, f)))
def test_every_field_type_is_sanitised_in_the_course(minimal: Path, field: tuple[Any, ...]) -> None:
    yaml = YAML()
    path = minimal / "sets" / "tst.yaml"
    data = yaml.load(path.read_text())
    node = data
    for part in field[:-1]:
        node = node[part]
    # accepted fill-in answers are short plain text (SCORM caps responses); one payload fits
    node[field[-1]] = XSS_PAYLOADS[2] if "answers" in field else " ".join(XSS_PAYLOADS)
    with path.open("w") as fh:
        yaml.dump(data, fh)
    sources, diags = check_curriculum(minimal, base=minimal)
    assert sources is not None, [d.render() for d in diags]
    course = resolve(sources)
    htmls = _html_values(asdict(course))
    assert htmls
    for html in htmls:
        assert unsafe_markup(html) == [], (field, html[:200])
