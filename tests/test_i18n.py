"""Message catalogues: complete in every language, and a Spanish build shows no English UI text."""

from __future__ import annotations

import re
import string
import zipfile
from pathlib import Path

import pytest

from builder.build import pipeline
from builder.formats.base import Options
from builder.formats.pdf import writer as pdf
from builder.render.context import WriteContext
from builder.render.i18n import available_languages, load_catalogue
from builder.render.themes import load_theme
from builder.resolve.course import resolve
from builder.rules.check import check_curriculum

THEME = load_theme("default")
EN = load_catalogue(THEME, "en").as_dict()
# Same in both languages on purpose.
SAME_OK = {"number.decimal", "number.group", "pdf.minutes"}  # "{minutes} min" is Spanish too


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("language", [lang for lang in available_languages(THEME) if lang != "en"])
def test_every_language_has_every_key_with_the_same_placeholders(language: str) -> None:
    other = load_catalogue(THEME, language).as_dict()
    assert sorted(set(EN) - set(other)) == [], f"missing in {language}"
    assert sorted(set(other) - set(EN)) == [], f"unknown keys in {language}"
    for key, text in EN.items():
        assert _fields(other[key]) == _fields(text), f"{language} {key}: placeholders differ"
    untranslated = [k for k, v in EN.items() if other[k] == v and k not in SAME_OK and re.search(r"[a-z]{3}", v)]
    assert untranslated == [], f"{language}: still English: {untranslated}"


def _spanish(minimal: Path) -> Path:
    program = minimal / "program.yaml"
    program.write_text(program.read_text().replace("language: en", "language: es"))
    return minimal


def _english_ui_left(text: str) -> list[str]:
    # Whole English UI strings of three or more words, without their placeholders, that appear verbatim
    phrases = []
    for value in EN.values():
        for part in re.split(r"\{[^}]*\}", value):
            part = part.strip(" .:,;“”\"'()")
            if len(part.split()) >= 3 and part in text:
                phrases.append(part)
    return sorted(set(phrases))


def test_the_spanish_player_has_no_english_ui_strings(minimal: Path, tmp_path: Path) -> None:
    root = _spanish(minimal)
    result = pipeline.build(root, tmp_path / "dist", ["scorm12"], workers=1, cache_dir=tmp_path / "c")
    assert result.ok, [d.render() for d in result.diagnostics]
    with zipfile.ZipFile(tmp_path / "dist" / "scorm12" / "TST.zip") as zf:
        page = zf.read("index.html").decode()
    assert 'lang="es"' in page
    assert _english_ui_left(page) == []


def test_the_spanish_guide_and_handbook_have_no_english_ui_strings(minimal: Path) -> None:
    sources, _ = check_curriculum(_spanish(minimal), base=minimal)
    assert sources is not None
    course = resolve(sources)
    for code in ("TST", None):
        html = pdf.prepare(course, code, WriteContext(THEME, course.program.language), Options()).html
        assert 'lang="es-ES"' in html  # the PDF adds a region: it picks the hyphenation patterns
        assert _english_ui_left(html) == [], code
