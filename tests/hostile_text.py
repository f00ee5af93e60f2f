"""Hostile text for the Markdown-injection tests, and Markdown rendered as Streamlit's frontend would.

Streamlit renders Markdown with GitHub-flavoured Markdown (react-markdown, remark-gfm): besides
``[…](…)``, ``![…](…)`` and ``<…>`` it links bare ``http://…``, ``www.…`` and e-mail addresses.
``links_and_images`` renders with markdown-it-py (the GFM-like preset) and looks for those too.
"""

from __future__ import annotations

import hashlib
import html
import io
import re
import tempfile
from pathlib import Path

from markdown_it import MarkdownIt
from openpyxl import Workbook

from data_pipeline.ingest import read_table
from data_pipeline.store import Store, SubmissionInput

EVIL = "evil.example"
HOSTILE = (f"[link](http://{EVIL}/) ![x](http://{EVIL}/x.png) <img src=http://{EVIL}/y> "
           f'<a href="http://{EVIL}/z">z</a> :red[x] :material/home: :smile: $x^2$ **b** www.{EVIL} a@{EVIL}')
"""One text with a link, an image, HTML, a colour directive, an icon, an emoji, LaTeX, emphasis and
two bare links: every kind of Markdown a name or note could smuggle onto a page."""
HOSTILE_CSV_NAME = HOSTILE + ".csv"
HOSTILE_XLSX_NAME = "!" + HOSTILE + ".xlsx"
HOSTILE_SHEET = f"www.{EVIL} <i>"  # Excel forbids []:*?/\ in sheet names, and allows 31 characters
OTHER_SHEET = "$y$ (z) ~~w~~ <u> a@b.example"
CSV = (b"date,district,indicator,value\n"
       b"2020-06-01,Panj,grants_awarded,7\n")

_RENDERER = MarkdownIt("gfm-like")
_RENDERER.linkify.set({"fuzzy_link": False})  # GFM links bare domains only after www. or a protocol
# GFM's autolink literals (mdast-util-gfm-autolink-literal), which linkify-it alone does not all find.
_BARE_LINKS = re.compile(r"(?i)(?:https?://|www(?=\.))[-.\w]+|[-.\w+]+@[-\w]+(?:\.[-\w]+)+")


def links_and_images(markdown: str) -> list[str]:
    """The links and images ``markdown`` would show: ``<a>``/``<img>`` tags and bare links in its text."""
    rendered = _RENDERER.render(markdown)
    found = re.findall(r"<(?:a|img)\b[^>]*>", rendered)
    text = html.unescape(re.sub(r"<[^>]+>", " ", rendered))
    return found + _BARE_LINKS.findall(text)


def hostile_xlsx() -> bytes:
    """A workbook whose sheets have hostile names: the data sheet and an empty one."""
    book = Workbook()
    sheet = book.active
    sheet.title = OTHER_SHEET
    data = book.create_sheet(HOSTILE_SHEET)
    for line in CSV.decode().splitlines():
        data.append([int(v) if v.isdigit() else v for v in line.split(",")])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def publish_hostile_version(url: str) -> None:
    """Publish ``CSV`` as a file named ``HOSTILE_CSV_NAME``, uploaded by, published by and noted as
    ``HOSTILE``, into the store at ``url``."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload.csv"
        path.write_bytes(CSV)
        result = read_table(path, file_name=HOSTILE_CSV_NAME)
    assert result.ok and result.sha256 == hashlib.sha256(CSV).hexdigest(), result.problems
    with Store(url) as store:
        store.publish([SubmissionInput(HOSTILE_CSV_NAME, result.sha256, result.kind, result.frame, is_demo=False,
                                       uploaded_by=HOSTILE)], created_by=HOSTILE, note=HOSTILE)
