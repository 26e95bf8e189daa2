"""A child theme's stylesheets come after its parent's, whatever their names."""

from __future__ import annotations

from pathlib import Path

from builder.render.themes import load_theme


def test_child_css_follows_parent_css_even_when_its_name_sorts_first(tmp_path: Path) -> None:
    child = tmp_path / "child"
    (child / "static" / "player").mkdir(parents=True)
    (child / "theme.yaml").write_text("extends: default\n")
    (child / "static" / "player" / "aaa.css").write_text("body { color: black }\n")
    (child / "static" / "player" / "player.css").write_text("/* replaces the parent's */\n")
    files = load_theme(str(child)).static_files("player")
    names = list(files)
    assert names.index("aaa.css") > names.index("player.css")
    assert files["player.css"].parent == child / "static" / "player"  # the child's file wins
    assert names.index("player.css") < names.index("aaa.css")  # and keeps the parent's place
