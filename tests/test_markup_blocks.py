"""Lesson blocks in markdown (`::: kind Title` … `:::`): each kind renders as a labelled box, and the
sanitiser keeps only the block classes it knows."""

from __future__ import annotations

import pytest

from builder.source.markup import BLOCKS, block, sanitize


@pytest.mark.parametrize("kind", [k for k in BLOCKS if k != "details"])
def test_each_block_kind_is_a_box_with_its_title(kind: str) -> None:
    html = block(f"Before.\n\n::: {kind} A title & more\nInside **it**.\n:::\n\nAfter.")
    assert html == (f'<p>Before.</p>\n<div class="block block-{kind}">\n<h3>A title &amp; more</h3>\n'
                    "<p>Inside <strong>it</strong>.</p>\n</div>\n<p>After.</p>")


def test_details_fold_and_a_block_may_have_no_title() -> None:
    assert block("::: details More\nText.\n:::") == "<details><summary>More</summary>\n<p>Text.</p>\n</details>"
    assert block("::: note\nText.\n:::") == '<div class="block block-note">\n<p>Text.</p>\n</div>'


def test_blocks_hold_lists_and_nest_other_blocks() -> None:
    html = block(":::: activity Try it\n1. one\n2. two\n\n::: note\nCareful.\n:::\n::::")
    assert html.count('<div class="block') == 2 and "<ol>" in html and html.endswith("</div>\n</div>")


def test_unknown_kinds_stay_text_and_no_other_class_survives() -> None:
    assert block("::: shout Hey\nText.\n:::") == "<p>::: shout Hey\nText.\n:::</p>"
    assert sanitize('<div class="block evil" onclick="x">a</div><p class="block">b</p>') == \
        '<div class="block">a</div><p>b</p>'
    assert "<script" not in block("::: note <script>alert(1)</script>\nx\n:::")
