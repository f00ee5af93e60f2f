"""ui.text: text from data shown literally (``plain``), called outside a Streamlit run."""

from __future__ import annotations

import html
import re

import pytest
from markdown_it import MarkdownIt

import ui
from tests.hostile_text import links_and_images


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


def test_html_text_is_escaped_on_one_line_and_keeps_non_breaking_spaces():
    from ui.text import html_text

    assert html_text('<b>"A & B"</b>\n\n  \nnext') == "&lt;b&gt;&quot;A &amp; B&quot;&lt;/b&gt; next"
    assert html_text("1\u00a0075\u00a0000 USD") == "1\u00a0075\u00a0000 USD"
    # Streamlit's frontend turns ":material/" into ":material_" anywhere in Markdown's source, HTML too.
    assert html_text("a :material/home: b") == "a :\u2060material/home: b"
