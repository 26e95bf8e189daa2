"""Words the writers print come from the theme's catalogue, in the programme's language (issue 21)."""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml import YAML

from builder.formats.competency_csv import framework_csv
from builder.formats.moodle.question_bank import question_bank
from builder.resolve.course import Course, resolve
from builder.rules.check import check_curriculum

REPO = Path(__file__).resolve().parents[2]
NEW_KEYS = (
    "pdf.handbook.routes_intro_one",
    "requirement.required",
    "requirement.choose",
    "csv.required_set",
    "csv.elective_set",
    "csv.bloom",
    "moodle.evidence",
    "moodle.score_each",
    "moodle.criterion",
    "moodle.portfolio_category",
    "moodle.portfolio_info",
)


def _course(minimal: Path, language: str) -> Course:
    program = minimal / "program.yaml"
    program.write_text(program.read_text().replace("language: en", f"language: {language}"))
    sources, diags = check_curriculum(minimal)
    assert sources is not None, [d.render() for d in diags]
    return resolve(sources)


def test_new_keys_are_in_english_and_spanish() -> None:
    for language in ("en", "es"):
        strings = YAML(typ="safe").load((REPO / f"themes/default/strings/{language}.yaml").read_text())
        missing = [k for k in NEW_KEYS if k not in strings]
        assert not missing, f"{language}: {missing}"


def test_spanish_csv_and_moodle_bank_have_no_english_labels(minimal: Path) -> None:
    course = _course(minimal, "es")
    csv = framework_csv(course)
    assert "Conjunto obligatorio." in csv and "Nivel de Bloom: Recordar" in csv
    assert "Required set" not in csv and "Bloom level" not in csv
    bank = question_bank(course, course.sets[0]).decode()
    for spanish in ("Evidencias que entregar:", "Califica cada criterio:", "<th>Criterio</th>", "Portafolio"):
        assert spanish in bank, spanish
    for english in ("Evidence to submit", "Score each criterion", "<th>Criterion</th>", "Portfolio tasks"):
        assert english not in bank, english


def test_untitled_requirements_carry_no_english_word(minimal: Path) -> None:
    course = _course(minimal, "es")
    assert [r.title for r in course.program.requirements] == [""]  # the writers say it from the catalogue
