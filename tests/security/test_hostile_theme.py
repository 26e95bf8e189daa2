"""A theme is code that comes with the curriculum: it runs sandboxed, reads only its own plain files,
and every mistake in it is a located error (issue 15, points 1, 2, 5 and 8)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import jinja2
import pytest

from builder.build import pipeline
from builder.formats.base import Job, Options
from builder.render.context import WriteContext
from builder.render.themes import THEMES_DIR, Theme, load_theme
from builder.resolve.course import Course, resolve
from builder.rules.check import check_curriculum

SECRET = "TOP-SECRET-7d1f"
PROJECTS = Path(__file__).resolve().parents[1] / "projects"


def _theme(root: Path, files: dict[str, str] | None = None, meta: str = "extends: default\n") -> Path:
    """A theme folder inside the curriculum, named by program.yaml as a pull request would."""
    theme = root / "mytheme"
    theme.mkdir()
    (theme / "theme.yaml").write_text(meta, encoding="utf-8")
    shutil.copytree(THEMES_DIR / "default" / "strings", theme / "strings")
    for rel, text in (files or {}).items():
        (theme / rel).parent.mkdir(parents=True, exist_ok=True)
        (theme / rel).write_text(text, encoding="utf-8")
    program = root / "program.yaml"
    program.write_text(program.read_text(encoding="utf-8") + f"theme: {theme}\n", encoding="utf-8")
    return theme


def _errors(result: pipeline.BuildResult) -> list[str]:
    return [d.render() for d in result.diagnostics if d.severity.value == "error"]


def _build(root: Path, tmp: Path, names: list[str]) -> pipeline.BuildResult:
    # --set TST: the set's own outputs only (the handbook would add a full PDF render to every case)
    return pipeline.build(root, tmp / "dist", names, ["TST"], workers=1, cache_dir=tmp / "cache")


PAYLOADS = [
    '{{ cycler.__init__.__globals__.os.popen("touch PWNED; id").read() }}',
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ lipsum.__globals__['os'].system('touch PWNED') }}",
    "{{ self._TemplateReference__context.cycler.__init__.__globals__.os }}",
    "{{ config.__class__.__init__.__globals__ }}",
    "{% set x = t.__self__ %}{{ x.strings }}",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_template_cannot_reach_python_internals(
    minimal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, payload: str
) -> None:
    monkeypatch.chdir(tmp_path)
    theme = _theme(minimal, {"templates/pdf/guide.html": f"<html><body>\n{payload}\n</body></html>\n"})
    # check sees the private names every escape needs: the build stops before rendering anything
    result = _build(minimal, tmp_path, ["pdf"])
    assert not result.ok and not (tmp_path / "PWNED").exists() and not (tmp_path / "dist").exists()
    errors = _errors(result)
    assert errors and all("mytheme/templates/pdf/guide.html:2:1: error[theme-template]" in e for e in errors)
    # and the sandbox stops the same template when a writer renders it (check bypassed)
    ctx = WriteContext(load_theme(str(theme)), "en")
    written, diags, _ = pipeline.run_job(_course(), Job("pdf", "TST"), ctx, tmp_path / "out", Options())
    assert written == [] and not (tmp_path / "PWNED").exists()
    assert [d.render().split(": error")[0] for d in diags] == ["cur/mytheme/templates/pdf/guide.html:2:1"]
    assert "sandbox forbids" in diags[0].message


def _course() -> Course:
    sources, _ = check_curriculum(PROJECTS / "minimal")
    assert sources is not None
    return resolve(sources)


@pytest.mark.parametrize("name", ["scorm12", "web"])
def test_the_player_templates_are_sandboxed_too(tmp_path: Path, name: str) -> None:
    body = (THEMES_DIR / "default/templates/player/index.html").read_text(encoding="utf-8")
    theme = tmp_path / "mytheme"
    (theme / "templates" / "player").mkdir(parents=True)
    (theme / "theme.yaml").write_text("extends: default\n", encoding="utf-8")
    (theme / "templates" / "player" / "index.html").write_text(body + PAYLOADS[0] + "\n", encoding="utf-8")
    line = body.count("\n") + 1
    ctx = WriteContext(load_theme(str(theme)), "en")
    written, diags, _ = pipeline.run_job(_course(), Job(name, "TST"), ctx, tmp_path / "out", Options())
    assert written == [] and len(diags) == 1 and "sandbox forbids" in diags[0].message
    assert diags[0].loc.path.endswith("mytheme/templates/player/index.html") and diags[0].loc.line == line


def test_a_template_symlinked_out_of_its_theme_is_refused_not_read(minimal: Path, tmp_path: Path) -> None:
    secret = tmp_path / "passwd"
    secret.write_text(SECRET)
    theme = _theme(minimal)
    (theme / "templates" / "pdf").mkdir(parents=True)
    os.symlink(secret, theme / "templates" / "pdf" / "guide.html")
    _, diags = check_curriculum(minimal, base=minimal)
    assert [d.code for d in diags if d.severity.value == "error"] == ["theme"]
    assert "symlink that leads outside" in diags[-1].message and diags[-1].loc.path.endswith("guide.html")
    result = _build(minimal, tmp_path, ["pdf"])
    assert not result.ok and SECRET not in "".join(_errors(result))


def test_a_static_file_symlinked_out_of_its_theme_never_reaches_a_package(minimal: Path, tmp_path: Path) -> None:
    secret = tmp_path / "shadow"
    secret.write_text(SECRET)
    theme = _theme(minimal)
    (theme / "static" / "player").mkdir(parents=True)
    os.symlink(secret, theme / "static" / "player" / "extra.css")
    result = _build(minimal, tmp_path, ["scorm12"])
    assert not result.ok and "static/player/extra.css is a symlink" in "".join(_errors(result))
    assert not (tmp_path / "dist").exists()
    # Even a Theme built by hand (no load_theme checks) lists no such file.
    assert "extra.css" not in Theme(theme.name, (theme,)).static_files("player")


def test_a_fifo_template_is_an_error_not_a_hang(minimal: Path, tmp_path: Path) -> None:
    theme = _theme(minimal)
    (theme / "templates" / "pdf").mkdir(parents=True)
    os.mkfifo(theme / "templates" / "pdf" / "guide.html")
    _, diags = check_curriculum(minimal, base=minimal)
    assert any("not a regular file (a FIFO)" in d.message for d in diags)


@pytest.mark.parametrize(
    ("meta", "where", "words"),
    [
        ("extends: [default\n", (2, 1), "theme.yaml: "),
        ("- extends\n- default\n", (1, 1), "holds a list"),
        ("extends: 5\n", (1, 10), "not the number 5"),
        ("extends: {a: 1}\n", (1, 10), "not a mapping"),
        ("extends: nosuchtheme\n", (1, 10), "'nosuchtheme' not found"),
        ("just text\n", (1, 1), "holds a single value"),
        ("\x00\x01", (1, 1), "NUL"),
    ],
    ids=["syntax", "list", "extends-int", "extends-map", "extends-missing", "scalar", "binary"],
)
def test_a_malformed_theme_yaml_is_a_located_check_error(
    minimal: Path, meta: str, where: tuple[int, int], words: str
) -> None:
    theme = _theme(minimal, meta=meta)
    _, diags = check_curriculum(minimal, base=minimal)
    errors = [d for d in diags if d.severity.value == "error"]
    assert len(errors) == 1 and errors[0].code == "theme", [d.render() for d in diags]
    assert errors[0].loc.path.endswith(str(theme / "theme.yaml").lstrip("/")) or errors[0].loc.path == str(
        theme / "theme.yaml"
    )
    assert (errors[0].loc.line, errors[0].loc.col) == where and words in errors[0].message, errors[0].render()


def test_an_extends_cycle_is_located_at_the_theme_yaml_that_closes_it(minimal: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    theme = _theme(minimal, meta=f"name: mine\nextends: {other}\n")
    (other / "theme.yaml").write_text(f"extends: {theme}\n", encoding="utf-8")
    _, diags = check_curriculum(minimal, base=minimal)
    errors = [d for d in diags if d.severity.value == "error"]
    assert len(errors) == 1 and "cycle" in errors[0].message
    assert errors[0].loc.path == str(other / "theme.yaml") and (errors[0].loc.line, errors[0].loc.col) == (1, 10)


def test_a_template_syntax_error_is_a_check_error_at_its_line(minimal: Path) -> None:
    theme = _theme(minimal, {"templates/pdf/guide.html": "<p>\n\n{% if %}\n"})
    _, diags = check_curriculum(minimal, base=minimal)
    errors = [d for d in diags if d.severity.value == "error"]
    assert [d.code for d in errors] == ["theme-template"]
    assert errors[0].loc == type(errors[0].loc)(str(theme / "templates/pdf/guide.html"), 3, 1)


@pytest.mark.parametrize("name", ["../../../../etc/passwd", "/etc/passwd", "..\\..\\etc\\passwd"])
def test_a_template_that_includes_outside_its_theme_is_a_located_error(
    minimal: Path, tmp_path: Path, name: str
) -> None:
    quoted = name.replace("\\", "\\\\")  # a Jinja string literal: backslashes escaped
    theme = _theme(minimal, {"templates/pdf/guide.html": f'<p>\n{{% include "{quoted}" %}}\n'})
    result = _build(minimal, tmp_path, ["pdf"])
    errors = _errors(result)
    assert len(errors) == 1 and errors[0].startswith(f"{theme / 'templates/pdf/guide.html'}:2:1: error[theme-template]")
    assert "cannot be loaded" in errors[0] and "None" not in errors[0]


def test_the_bundled_environment_is_the_immutable_sandbox() -> None:
    env = load_theme("default").environment("pdf")
    assert isinstance(env, jinja2.sandbox.ImmutableSandboxedEnvironment)
    with pytest.raises(jinja2.exceptions.SecurityError):
        env.from_string("{{ x.append(1) }}").render(x=[])


def test_check_strict_already_fails_on_a_sandbox_escape(
    minimal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from builder.cli import main

    monkeypatch.chdir(tmp_path)
    _theme(minimal, {"templates/pdf/guide.html": f"<p>\n{PAYLOADS[0]}\n{{{{ x['__class__'] }}}}\n"})
    assert main(["check", "--strict", str(minimal)]) == 1
    err = capsys.readouterr().err
    assert "cur/mytheme/templates/pdf/guide.html:2:1: error[theme-template]: the template reads `__init__`" in err
    assert "guide.html:3:1: error[theme-template]: the template reads `__class__`" in err
