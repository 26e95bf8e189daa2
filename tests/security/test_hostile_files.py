"""Curriculum files that are not what they claim: symlinks out, FIFOs, devices, UTF-16, disguised or
fetching media. Each is a located error, never a hang, a leak or a crash (issue 15, points 2, 5, 8)."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from builder.build import pipeline
from builder.rules.check import check_curriculum
from builder.source.media import svg_problem
from builder.source.safe_io import UnsafeFile, read_confined

SECRET = "root:x:0:0:TOP-SECRET-7d1f"


def _errors(root: Path) -> list[str]:
    _, diags = check_curriculum(root, base=root)
    return [d.render() for d in diags if d.severity.value == "error"]


def _asset(root: Path, name: str, data: bytes) -> None:
    (root / "images").mkdir(exist_ok=True)
    (root / "images" / name).write_bytes(data)
    f = root / "sets" / "tst.yaml"
    text = f.read_text(encoding="utf-8")
    text = text.replace("Put three books in order.", f"Put three books in order. ![A shelf](images/{name})")
    f.write_text(text.replace("glossary:", f"assets:\n  - path: images/{name}\n    alt: A shelf\nglossary:"))


@pytest.mark.parametrize("target", ["secret", "/dev/zero"])
def test_a_set_symlinked_out_of_the_curriculum_is_refused_unread(minimal: Path, tmp_path: Path, target: str) -> None:
    secret = tmp_path / "secret"
    secret.write_text(f"{SECRET}\nother: line\n")
    os.symlink(secret if target == "secret" else target, minimal / "sets" / "x.yaml")
    errors = _errors(minimal)
    assert errors == [
        f"sets/x.yaml:1:1: error[unsafe-file]: the file is a symlink that leads outside cur/ "
        f"(to {secret if target == 'secret' else target})\n"
        "  hint: curriculum files must be plain files inside the curriculum folder"
    ]
    assert "TOP-SECRET" not in "".join(errors) and "unknown" not in "".join(errors)


def test_a_fifo_in_sets_is_an_error_and_a_fifo_elsewhere_does_not_hang_the_build(
    minimal: Path, tmp_path: Path
) -> None:
    os.mkfifo(minimal / "notes.fifo")  # not a set: ignored by check, skipped by the fingerprint
    result = pipeline.build(minimal, tmp_path / "dist", ["moodle_xml"], workers=1, cache_dir=tmp_path / "cache")
    assert result.ok
    os.mkfifo(minimal / "sets" / "x.yaml")
    assert _errors(minimal) == [
        "sets/x.yaml:1:1: error[unsafe-file]: the file is not a regular file (a FIFO)\n"
        "  hint: curriculum files must be plain files inside the curriculum folder"
    ]


def test_a_device_is_never_read(tmp_path: Path) -> None:
    with pytest.raises(UnsafeFile, match="not a regular file"):
        read_confined(Path("/dev/zero"), Path("/dev"), 1024)


def test_read_confined_caps_the_size_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a" * 2048)
    with pytest.raises(UnsafeFile) as caught:
        read_confined(big, tmp_path, 1024)
    assert caught.value.too_large


def test_a_utf16_file_is_named_as_such_without_a_false_unknown_set(minimal: Path) -> None:
    f = minimal / "sets" / "tst.yaml"
    f.write_bytes(f.read_text(encoding="utf-8").encode("utf-16"))
    assert _errors(minimal) == [
        "sets/tst.yaml:1:1: error[encoding]: the file is saved as UTF-16; coursepack reads UTF-8\n"
        "  hint: save the file as UTF-8 plain text (in Notepad: Save as → Encoding: UTF-8)"
    ]


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("evil.html", "<script>alert(1)</script>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data"),
    [("shelf.png", _zip()), ("shelf.jpg", b"GIF89a...."), ("shelf.pdf", b"<html>"), ("shelf.webp", b"RIFF0000WAVE")],
    ids=["zip-as-png", "gif-as-jpg", "html-as-pdf", "wav-as-webp"],
)
def test_an_asset_whose_content_is_not_its_type_is_an_error(minimal: Path, name: str, data: bytes) -> None:
    _asset(minimal, name, data)
    errors = _errors(minimal)
    assert len(errors) == 1 and "error[asset-content]" in errors[0] and f"images/{name}" in errors[0], errors
    assert errors[0].startswith("sets/tst.yaml:97:")  # the asset's `path:` line


def test_a_real_png_passes(minimal: Path) -> None:
    _asset(minimal, "shelf.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    assert _errors(minimal) == []


@pytest.mark.parametrize(
    "svg",
    [
        "<style>@import url(https://evil.example/x.css);</style>",
        "<style>@im\\70 ort 'x.css';</style>",
        "<style>rect { fill: url(https://evil.example/p.svg#x) }</style>",
        '<rect style="fill: url(//evil.example/a)"/>',
    ],
    ids=["import", "escaped-import", "style-url", "attribute-url"],
)
def test_an_svg_whose_css_fetches_is_refused(svg: str) -> None:
    data = f'<svg xmlns="http://www.w3.org/2000/svg">{svg}<rect width="1" height="1"/></svg>'.encode()
    assert "loads another resource" in (svg_problem(data) or "")


def test_an_svg_style_that_stays_inside_is_fine() -> None:
    data = b'<svg xmlns="http://www.w3.org/2000/svg"><style>rect { fill: url(#g) }</style><rect/></svg>'
    assert svg_problem(data) is None


def test_a_fifo_asset_is_an_error_not_a_hang(minimal: Path) -> None:
    (minimal / "images").mkdir()
    os.mkfifo(minimal / "images" / "shelf.png")
    f = minimal / "sets" / "tst.yaml"
    f.write_text(f.read_text().replace("glossary:", "assets:\n  - path: images/shelf.png\n    alt: A\nglossary:"))
    errors = _errors(minimal)
    assert any("error[bad-asset-path]" in e and "not a regular file" in e for e in errors), errors
