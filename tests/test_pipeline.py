"""Build orchestration: atomic publish, cache invalidation, stale outputs, determinism."""

from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path

import pytest

from builder import formats
from builder.build import pipeline
from builder.build.output import OutDir
from builder.cli import main
from builder.formats.moodle.question_bank import MoodleXml

FAST = ["moodle_xml", "competency_csv"]


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _build(root: Path, dist: Path, names: list[str] = FAST, **kw: object) -> pipeline.BuildResult:
    return pipeline.build(root, dist, names, workers=1, cache_dir=dist.parent / "cache", **kw)  # type: ignore[arg-type]


def test_build_then_noop_uses_cache(minimal: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    first = _build(minimal, dist)
    assert first.ok and len(first.rebuilt) == 2
    again = _build(minimal, dist)
    assert again.ok and again.rebuilt == []
    assert _snapshot(dist) == {
        "moodle/TST-questions.xml": _snapshot(dist)["moodle/TST-questions.xml"],
        "moodle/competencies.csv": _snapshot(dist)["moodle/competencies.csv"],
    }


def test_unchanged_inputs_skip_the_whole_build_and_replay_warnings(minimal: Path, tmp_path: Path) -> None:
    (minimal / "sets" / "extra.yaml").write_text(
        (minimal / "sets" / "tst.yaml").read_text().replace("TST", "XTR").replace("Testing Basics", "Extra")
    )  # not named by any requirement: a warning, which a no-op build must still show
    dist = tmp_path / "dist"
    first = _build(minimal, dist)
    assert first.ok and not first.up_to_date
    warned = [d.render() for d in first.diagnostics]
    assert any("unreachable-set" in w for w in warned)
    inode = (dist / "moodle" / "competencies.csv").stat().st_ino
    again = _build(minimal, dist)
    assert again.up_to_date and again.ok and again.rebuilt == []
    assert [d.render() for d in again.diagnostics] == warned
    assert (dist / "moodle" / "competencies.csv").stat().st_ino == inode  # dist/ not even republished


@pytest.mark.parametrize("change", ["comment in a set", "tampered output", "deleted output", "other paper"])
def test_any_changed_input_or_output_means_a_real_build(minimal: Path, tmp_path: Path, change: str) -> None:
    dist = tmp_path / "dist"
    assert _build(minimal, dist).ok
    before = _snapshot(dist)
    kw: dict[str, object] = {}
    if change == "comment in a set":
        f = minimal / "sets" / "tst.yaml"
        f.write_text(f.read_text() + "# a comment changes bytes, not content\n")
    elif change == "tampered output":
        (dist / "moodle" / "competencies.csv").write_text("hand edit")
    elif change == "deleted output":
        (dist / "moodle" / "TST-questions.xml").unlink()
    else:
        kw["options"] = pipeline.Options(paper="letter")
    result = _build(minimal, dist, **kw)
    assert result.ok and not result.up_to_date
    assert _snapshot(dist) == before
    # every output comes from the cache; paper too, as these formats are not PDF (it rebuilt them: issue 16)
    assert result.rebuilt == []


def test_a_theme_change_means_a_real_build(minimal: Path, tmp_path: Path) -> None:
    import shutil

    from builder.render.themes import THEMES_DIR

    theme = tmp_path / "mytheme"
    theme.mkdir()
    (theme / "theme.yaml").write_text("extends: default\n")
    shutil.copytree(THEMES_DIR / "default" / "strings", theme / "strings")
    dist = tmp_path / "dist"
    assert _build(minimal, dist, theme_name=str(theme)).ok
    assert _build(minimal, dist, theme_name=str(theme)).up_to_date
    (theme / "theme.yaml").write_text("extends: default\n# changed\n")
    assert not _build(minimal, dist, theme_name=str(theme)).up_to_date


def test_edit_invalidates_exactly_the_affected_outputs(minimal: Path, tmp_path: Path) -> None:
    (minimal / "sets" / "two.yaml").write_text(
        (minimal / "sets" / "tst.yaml").read_text().replace("TST", "TWO").replace("Testing Basics", "Second")
    )
    program = minimal / "program.yaml"
    program.write_text(program.read_text().replace("required: [TST]", "required: [TST, TWO]"))
    dist = tmp_path / "dist"
    assert _build(minimal, dist).ok
    f = minimal / "sets" / "two.yaml"
    f.write_text(f.read_text().replace("Put three books in order.", "Put four books in order."))
    result = _build(minimal, dist)
    assert sorted(j.label for j in result.rebuilt) == ["moodle_xml:TWO"]  # the framework holds no question
    web = _build(minimal, dist, ["web"])
    f.write_text(f.read_text().replace("Put four books in order.", "Put five books in order."))
    again = _build(minimal, dist, ["web"])
    assert web.ok and sorted(j.label for j in again.rebuilt) == ["web:TWO"]  # the list page shows summaries only
    f.write_text(f.read_text().replace("statement: ", "statement: Then ", 1))
    result = _build(minimal, dist)
    assert sorted(j.label for j in result.rebuilt) == ["competency_csv:program", "moodle_xml:TWO"]


def test_force_rebuilds_everything_byte_identically(minimal: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    assert _build(minimal, dist).ok
    before = _snapshot(dist)
    result = _build(minimal, dist, force=True)
    assert len(result.rebuilt) == 2 and _snapshot(dist) == before


def test_stale_outputs_of_removed_sets_are_removed(minimal: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    (minimal / "sets" / "two.yaml").write_text((minimal / "sets" / "tst.yaml").read_text().replace("TST", "TWO"))
    program = minimal / "program.yaml"
    program.write_text(program.read_text().replace("required: [TST]", "required: [TST, TWO]"))
    assert _build(minimal, dist).ok and (dist / "moodle" / "TWO-questions.xml").exists()
    (minimal / "sets" / "two.yaml").unlink()
    program.write_text(program.read_text().replace("required: [TST, TWO]", "required: [TST]"))
    assert _build(minimal, dist).ok
    assert not (dist / "moodle" / "TWO-questions.xml").exists()


def test_building_one_format_keeps_the_others(minimal: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    assert _build(minimal, dist).ok
    assert _build(minimal, dist, ["moodle_xml"]).ok
    assert (dist / "moodle" / "competencies.csv").exists()


@pytest.mark.parametrize("failure", [RuntimeError("writer bug"), KeyboardInterrupt()])
def test_failure_in_a_writer_leaves_dist_untouched(
    minimal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException
) -> None:
    dist = tmp_path / "dist"
    assert _build(minimal, dist).ok
    before = _snapshot(dist)
    f = minimal / "sets" / "tst.yaml"
    f.write_text(f.read_text().replace("Put three books in order.", "Put five books in order."))

    def boom(*args: object, **kwargs: object) -> None:
        raise failure

    monkeypatch.setattr(MoodleXml, "write", boom)
    with pytest.raises(type(failure)):
        _build(minimal, dist)
    assert _snapshot(dist) == before
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".coursepack-")]
    assert leftovers == []


def test_content_error_leaves_dist_untouched(minimal: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    assert _build(minimal, dist).ok
    before = _snapshot(dist)
    f = minimal / "sets" / "tst.yaml"
    f.write_text(f.read_text().replace("minutes: 10", "minutes: ten"))
    result = _build(minimal, dist)
    assert not result.ok and any(d.code == "wrong-type" for d in result.diagnostics)
    assert _snapshot(dist) == before


@pytest.mark.parametrize("errno_", [errno.ENOSPC, errno.EROFS, errno.EACCES])
def test_disk_full_or_read_only_is_a_clear_error(
    minimal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], errno_: int
) -> None:
    dist = tmp_path / "dist"
    assert _build(minimal, dist).ok
    before = _snapshot(dist)

    def refuse(self: OutDir, rel: str, data: bytes) -> Path:
        raise OSError(errno_, os.strerror(errno_), str(self.root / rel))

    monkeypatch.setattr(OutDir, "write_bytes", refuse)
    code = main(["build", str(minimal), "--out", str(dist), "--format", ",".join(FAST), "--force", "-j", "1"])
    err = capsys.readouterr().err
    assert code == 1
    assert os.strerror(errno_) in err and "unchanged" in err and "Traceback" not in err
    assert _snapshot(dist) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".coursepack-")] == []


def test_registry_lists_every_format_module() -> None:
    assert {"moodle_xml", "competency_csv"} <= set(formats.available())


def test_outputs_from_the_cache_repeat_their_writers_warnings(minimal: Path, tmp_path: Path) -> None:
    # a matching item with two pairs: Moodle imports it but its editor refuses to save it (a warning)
    f = minimal / "sets" / "tst.yaml"
    text = f.read_text()
    pair = '        - {left: "900", right: History}\n'
    assert pair in text
    text = text.replace(pair, "", 1)
    f.write_text(text)
    dist = tmp_path / "dist"
    first = _build(minimal, dist, ["moodle_xml"])
    warned = sorted(d.render() for d in first.diagnostics)
    assert any("moodle-matching" in w for w in warned), warned
    f.write_text(text + "# only a comment: the fingerprint misses, every job comes from the cache\n")
    again = _build(minimal, dist, ["moodle_xml"])
    assert again.rebuilt == [] and not again.up_to_date
    assert sorted(d.render() for d in again.diagnostics) == warned


def test_editing_dist_never_edits_the_cache(minimal: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    assert _build(minimal, dist).ok
    f = minimal / "sets" / "tst.yaml"
    f.write_text(f.read_text() + "# comment\n")
    assert _build(minimal, dist).rebuilt == []  # restored from the cache
    before = _snapshot(dist)
    with (dist / "moodle" / "competencies.csv").open("a") as fh:
        fh.write("hand edit")  # in place, as an editor might
    f.write_text(f.read_text() + "# another\n")
    assert _build(minimal, dist).rebuilt == [] and _snapshot(dist) == before


def test_a_lesson_edit_does_not_rebuild_the_handbook_but_a_title_edit_does(minimal: Path, tmp_path: Path) -> None:
    from builder.formats.pdf import writer as pdf
    from builder.resolve.course import resolve

    def handbook_key(root: Path) -> str:
        from builder.build.cache import job_key, theme_digest
        from builder.render.themes import load_theme
        from builder.rules.check import check_curriculum

        sources, _ = check_curriculum(root, base=root)
        assert sources is not None
        course, fmt, theme = resolve(sources), pdf.Pdf(), load_theme("default")
        job = pipeline.Job("pdf", None)
        return job_key(fmt.inputs(course, job), job, fmt, theme_digest(theme), pipeline.Options())

    f = minimal / "sets" / "tst.yaml"
    before = handbook_key(minimal)
    f.write_text(f.read_text().replace("Put three books in order.", "Put five books in order."))
    assert handbook_key(minimal) == before  # lesson text: not in the handbook
    f.write_text(f.read_text().replace("prompt: Which part", "prompt: Which bit", 1))
    assert handbook_key(minimal) == before  # a question: not in the handbook
    f.write_text(f.read_text().replace("title: Call numbers", "title: Shelf marks", 1))
    assert handbook_key(minimal) != before  # lesson titles are listed in the handbook


def test_the_handbook_reads_nothing_its_outline_leaves_out() -> None:
    from builder.formats.pdf import writer as pdf
    from builder.render.context import WriteContext
    from builder.render.themes import load_theme
    from builder.resolve.course import resolve
    from builder.rules.check import check_curriculum

    sources, _ = check_curriculum(Path(__file__).resolve().parents[1] / "curriculum")
    assert sources is not None
    course = resolve(sources)
    theme = WriteContext(load_theme("default"), course.program.language)
    full = pdf.prepare(course, None, theme, pipeline.Options()).html
    assert pdf.prepare(course.outline(), None, theme, pipeline.Options()).html == full


def test_a_file_saved_while_a_build_runs_is_seen_by_the_next_build(
    minimal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dist = tmp_path / "dist"
    f = minimal / "sets" / "tst.yaml"
    real_write = MoodleXml.write

    def write_then_edit(self: MoodleXml, *args: object) -> object:
        out = real_write(self, *args)  # type: ignore[arg-type]
        f.write_text(f.read_text().replace("Put three books in order.", "Put six books in order."))
        return out

    monkeypatch.setattr(MoodleXml, "write", write_then_edit)
    assert _build(minimal, dist).ok
    monkeypatch.setattr(MoodleXml, "write", real_write)
    again = _build(minimal, dist)
    assert not again.up_to_date
    assert sorted(j.label for j in again.rebuilt) == ["moodle_xml:TST"]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_format_that_packs_others_builds_them_first_and_holds_their_very_bytes(
    minimal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    """The course backup and the cartridge pack the pdf and scorm12 formats' files (Format.needs): asked for
    alone, they build those formats too, and each PDF is laid out once per build, not again inside them."""
    import zipfile

    from builder.formats.pdf import writer as pdf

    laid_out: list[str] = []
    real_render = pdf.render
    monkeypatch.setattr(pdf, "render", lambda prepared: laid_out.append(prepared.name) or real_render(prepared))
    finished: list[str] = []

    class Order:
        def planned(self, jobs: list[pipeline.Job]) -> None: ...

        def finished(self, job: pipeline.Job, status: str, seconds: float) -> None:
            finished.append(job.label)

    dist = tmp_path / "dist"
    result = pipeline.build(minimal, dist, ["cc", "moodle_course"], workers=workers, progress=Order(),
                            cache_dir=tmp_path / "cache")
    assert result.ok, [d.render() for d in result.diagnostics]
    assert {j.format for j in result.jobs} == {"cc", "moodle_course", "pdf", "scorm12"}
    if workers == 1:  # (forked workers lay out in their own memory)
        assert sorted(laid_out) == ["TST.pdf", "handbook.pdf"]  # one guide, one handbook: nothing laid out twice
    with zipfile.ZipFile(dist / "cc" / "mini.imscc") as cartridge:
        assert cartridge.read("handbook.pdf") == (dist / "pdf" / "handbook.pdf").read_bytes()
        assert cartridge.read("TST/TST.pdf") == (dist / "pdf" / "TST.pdf").read_bytes()
    # the jobs that pack come last, after what they pack
    assert len(finished) == 5, finished
    assert finished.index("cc:program") > max(finished.index("pdf:program"), finished.index("pdf:TST"))
    assert finished.index("moodle_course:program") > max(finished.index("pdf:program"), finished.index("scorm12:TST"))


def test_what_changes_a_packed_file_rebuilds_what_packs_it(minimal: Path, tmp_path: Path) -> None:
    """`--paper letter` changes the PDFs, hence the cartridge that holds them; the SCORM 2004 packages, which hold
    no PDF, come from the cache."""
    dist = tmp_path / "dist"
    assert _build(minimal, dist, ["cc", "scorm2004"]).ok
    again = _build(minimal, dist, ["cc", "scorm2004"], options=pipeline.Options(paper="letter"))
    assert again.ok
    assert sorted(j.label for j in again.rebuilt) == ["cc:program", "pdf:TST", "pdf:program"]


def test_with_uses_adds_the_packed_formats_once() -> None:
    assert formats.with_uses(["moodle_course", "cc", "pdf"]) == ["moodle_course", "pdf", "scorm12", "cc"]
    assert formats.with_uses(["scorm2004"]) == ["scorm2004"]
