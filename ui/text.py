"""Text from data made safe to show: Markdown with every mark escaped (``plain``), HTML on one line
(``html_text``). Pure functions, no Streamlit."""

from __future__ import annotations

import html
import re
import string

_MARKDOWN_ESCAPES = str.maketrans({c: "\\" + c for c in string.punctuation})
_AUTOLINK_STARTS = re.compile(r"(?i)(?<=:)(?=//)|(?<=www)(?=\.)|(?=@)|(?<=@)")
_WORD_JOINER = "\u2060"
_MATERIAL = re.compile(r"(?<=:)(?=material/)")


def plain(text: object) -> str:
    """``text`` made safe to put into Markdown, so Streamlit shows it as typed: for anything that comes
    from data, files, notes or people (file and sheet names, version notes, user and display names,
    cell values, error messages quoting them) in ``st.markdown``, captions, alerts, widget labels.

    Every ASCII punctuation mark gets a backslash, so no link, image, HTML, emphasis, heading, table,
    LaTeX (``$``), emoji or icon shortcode (``:smile:``, ``:material/home:``) or colour (``:red[…]``)
    is formed; line breaks become spaces and surrounding spaces go. GitHub-flavoured Markdown also
    links bare ``http://…``, ``www.…`` and e-mail addresses whatever the escapes, so an invisible word
    joiner (U+2060) goes between ``:`` and ``//``, after ``www`` and around ``@``. Not for tables,
    select-box options or ``st.text``, which show text as it is (the backslashes would show).
    """
    one_line = " ".join(str(text).splitlines()).strip()  # leading spaces would make a code block
    return escaped(one_line)


def escaped(text: str) -> str:
    """``text`` with Markdown's punctuation escaped and bare links broken (``plain`` without the trim)."""
    return _AUTOLINK_STARTS.sub(_WORD_JOINER, text).translate(_MARKDOWN_ESCAPES)


def html_text(text: str) -> str:
    """``text`` escaped for HTML, on one line: a blank line would end the HTML block in Markdown.
    Only line breaks go: the non-breaking spaces inside numbers (``1 075 000 USD``) stay. Bare links
    are broken as in ``plain``, should the HTML ever be read as Markdown text. Streamlit's Markdown
    rewrites every ``:material/`` in its source, HTML included, to ``:material_`` (its icon syntax): a
    word joiner after the colon keeps the text as typed."""
    one_line = " ".join(line for line in str(text).splitlines() if line.strip())
    return html.escape(_MATERIAL.sub(_WORD_JOINER, _AUTOLINK_STARTS.sub(_WORD_JOINER, one_line)))
