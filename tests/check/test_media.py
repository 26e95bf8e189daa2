"""Media referenced from markdown: declared, inside the curriculum, safe, sized, with alt text."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from builder.build import pipeline
from builder.rules.check import check_curriculum
from builder.rules.diagnostics import Diagnostic
from builder.source.media import svg_problem

PNG = bytes.fromhex(  # a 1×1 transparent PNG
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
BODY = "      A **call number** tells you where an item lives on the shelf.\n"


def _with(root: Path, body_line: str, assets: str = "") -> None:
    f = root / "sets" / "tst.yaml"
    text = f.read_text(encoding="utf-8")
    assert BODY in text
    text = text.replace(BODY, BODY + "\n" + body_line + "\n", 1)
    if assets:
        text += "assets:\n" + assets
    f.write_text(text, encoding="utf-8")


def _diags(root: Path) -> list[Diagnostic]:
    return check_curriculum(root, base=root)[1]


def _image(root: Path, name: str = "images/desk.png", data: bytes = PNG) -> None:
    (root / name).parent.mkdir(parents=True, exist_ok=True)
    (root / name).write_bytes(data)


def test_a_declared_image_with_alt_is_clean_and_travels_in_the_package(minimal: Path, tmp_path: Path) -> None:
    _image(minimal)
    _with(minimal, "      ![The circulation desk](images/desk.png)", "  - {path: images/desk.png, alt: The desk}\n")
    assert _diags(minimal) == []
    result = pipeline.build(minimal, tmp_path / "dist", ["scorm12"], workers=1, cache_dir=tmp_path / "c")
    assert result.ok
    with zipfile.ZipFile(tmp_path / "dist" / "scorm12" / "TST.zip") as zf:
        assert zf.read("images/desk.png") == PNG
        assert 'href="images/desk.png"' in zf.read("imsmanifest.xml").decode()


def test_an_undeclared_image_is_an_error_at_its_line_and_column(minimal: Path) -> None:
    _with(minimal, "      See ![the desk](images/desk.png) here.")
    (d,) = [d for d in _diags(minimal) if d.code == "undeclared-asset"]
    # the body's `|` is on line 17; text line 1, blank line 2, the image on line 3 of the block
    assert (d.loc.line, d.loc.col) == (20, 23), d.render()  # at the path, after "("
    assert "assets:" in (d.hint or "")


def test_remote_images_are_refused_but_web_links_are_fine(minimal: Path) -> None:
    _with(minimal, "      ![x](https://example.org/x.png) and [ALA](https://www.ala.org/)")
    codes = [d.code for d in _diags(minimal)]
    assert codes == ["remote-media"]


def test_alt_can_come_from_the_asset_but_not_from_nowhere(minimal: Path) -> None:
    _image(minimal)
    _with(minimal, "      ![](images/desk.png)", "  - {path: images/desk.png, alt: The desk}\n")
    assert _diags(minimal) == []


def test_declared_but_unused_asset_is_a_warning(minimal: Path) -> None:
    _image(minimal)
    _with(minimal, "      No picture.", "  - {path: images/desk.png, alt: The desk}\n")
    assert [(d.code, d.severity.value) for d in _diags(minimal)] == [("unused-asset", "warning")]


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("images/run.exe", b"MZ", "asset-type"),
        ("images/x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "unsafe-svg"),
        ("images/x.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "unsafe-svg"),
    ],
)
def test_unsafe_or_unshowable_files_are_errors(minimal: Path, name: str, data: bytes, code: str) -> None:
    _image(minimal, name, data)
    _with(minimal, f"      ![pic]({name})", f"  - {{path: {name}, alt: A picture}}\n")
    assert code in [d.code for d in _diags(minimal)]


def test_size_limits(minimal: Path) -> None:
    _image(minimal, "images/big.png")
    _image(minimal, "images/huge.png")
    with (minimal / "images" / "big.png").open("r+b") as fh:
        fh.truncate(2 * 1024 * 1024)
    with (minimal / "images" / "huge.png").open("r+b") as fh:
        fh.truncate(11 * 1024 * 1024)
    _with(
        minimal,
        "      ![a](images/big.png) ![b](images/huge.png)",
        "  - {path: images/big.png, alt: Big}\n  - {path: images/huge.png, alt: Huge}\n",
    )
    found = {(d.code, d.severity.value) for d in _diags(minimal)}
    assert found == {("asset-large", "warning"), ("asset-too-large", "error")}


def test_svg_rules() -> None:
    ns = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
    assert svg_problem(f'<svg {ns}><circle r="4"/><use xlink:href="#a"/></svg>'.encode()) is None
    assert "DTD" in (svg_problem(b'<!DOCTYPE svg [<!ENTITY a "b">]><svg/>') or "")
    assert "another resource" in (svg_problem(f'<svg {ns}><image href="file:///etc/passwd"/></svg>'.encode()) or "")
    assert "foreignobject" in (svg_problem(f"<svg {ns}><foreignObject/></svg>".encode()) or "")
    assert "well-formed" in (svg_problem(b"<svg") or "")
