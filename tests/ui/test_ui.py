"""ui's pure helpers, called outside a Streamlit run (English, the default language)."""

from __future__ import annotations

import html
import math
import re

import pytest
from markdown_it import MarkdownIt

import ui
from tests.hostile_text import links_and_images


def test_cards_html_escapes_text_and_shows_progress_capped_at_the_bar():
    cards = [
        ui.Card('Grants <script>alert("x")</script>', 176.0, "grants", 200.0, 88.0,
                note="Source “A & B”\n\n**not bold**"),
        ui.Card("Jobs created", 150.0, "jobs", 100.0, 150.0),
        ui.Card("Community meetings", 12.0, "meetings", math.nan, math.nan),
        ui.Card("Funding coverage", 578_000.0, "USD", 1_075_000.0, 53.77, required=True),
    ]
    block = ui.cards_html(cards, "Results <against> targets")

    assert "<script>" not in block and "&lt;script&gt;" in block
    assert 'aria-label="Results &lt;against&gt; targets"' in block
    assert "Source “A &amp; B” **not bold**" in block and "\n" not in block  # one HTML block, no Markdown
    assert block.count('role="group"') == 4
    assert "88% of target 200" in block
    assert "150% of target 100" in block and 'aria-valuenow="100"' in block  # over target: a full bar
    assert "No target recorded" in block  # no target: no bar
    assert block.count('role="progressbar"') == 3
    assert "578,000 USD" in block and "54% of required 1,075,000 USD" in block


def test_cards_html_keeps_numbers_on_one_line():
    """Russian and Tajik numbers are grouped with non-breaking spaces: "1 075 000 USD" must not wrap."""
    number = "1\u00a0075\u00a0000\u00a0USD"
    block = ui.cards_html([ui.Card("Funding", 578_000.0, "USD", 1_075_000.0, 53.77, note=f"required {number}")], "x")
    assert f"required {number}" in block


HOSTILE_TEXTS = [
    "[link](http://evil.example/)", "![x](http://evil.example/x.png)", "<img src=http://evil.example/y>",
    '<a href="http://evil.example/z">z</a>', "<script>alert(1)</script>", "[ref]\n\n[ref]: http://evil.example/r",
    "<http://evil.example/angle>", "http://evil.example/bare", "HTTPS://EVIL.EXAMPLE", "www.evil.example",
    "WWW.EVIL.EXAMPLE/x", "mail a.b+c@evil.example", "mailto:x@evil.example", ":red[x]", ":blue-background[x]",
    ":material/home:", ":smile: :rocket:", "$x^2$", "$$y$$", r"\$x\$", "**b** __b__ *i* _i_ ~~s~~ `c` ```c```",
    "# heading", "> quote", "- item", "1. item", "| a | b |\n|---|---|\n| 1 | 2 |", "---", "a\\b \\[x\\]",
    "&amp; &lt;b&gt; &#58;", "line one\nline two\r\nline three\u2028four", "    indented", "plain name.csv",
    "Ванҷ — файл №3 (2020).xlsx", "",
]


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_plain_text_is_shown_literally_with_no_link_image_html_or_markup(text):
    markdown = ui.plain(text)
    assert links_and_images(markdown) == []
    assert "\n" not in markdown and "\r" not in markdown
    # Rendered as GitHub-flavoured Markdown, it is one paragraph of exactly the text (on one line).
    rendered = MarkdownIt("gfm-like").render(markdown)
    expected = " ".join(text.splitlines()).strip()
    if expected:
        inner = re.fullmatch(r"<p>(.*)</p>\n", rendered, re.S)
        assert inner, rendered
        assert html.unescape(inner[1]).replace("\u2060", "") == expected
    # Streamlit's own syntax (colours, icons, emoji, LaTeX) needs a bare ":" or "$": every one is escaped.
    assert not re.search(r"(?<!\\)[:$\[<]", markdown.replace("\\\\", ""))
