"""No text from data, files, notes or people is rendered as Markdown: a version whose file name, note,
uploader and publisher carry links, images, HTML and Streamlit's own syntax, a workbook with such sheet
names, and an editor with such a display name, shown on the Overview, Data & sources, Data versions
and Upload pages. Every Markdown text on them (bodies, labels, help) is rendered as Streamlit's
frontend would (``tests.hostile_text``) and must hold no link or image to the hostile address."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from data_pipeline.store.editors import hash_password
from tests.hostile_text import (CSV, EVIL, HOSTILE, HOSTILE_CSV_NAME, HOSTILE_SHEET, HOSTILE_XLSX_NAME,
                                links_and_images, hostile_xlsx, publish_hostile_version)
from tests.pages.conftest import DASHBOARD, as_shown

PASSWORD = "kulob-office-1"
SECRETS = {"editors": {"aziz": {"password_hash": hash_password(PASSWORD, n=2 ** 10), "display_name": HOSTILE}}}
_MARKDOWN_FIELDS = ("body", "label", "help", "text", "caption")
"""Fields of Streamlit's element messages that the frontend renders as Markdown."""


def markdown_texts(at: AppTest) -> list[str]:
    """Every text the page renders as Markdown: element bodies, labels, help, captions, radio options."""
    texts: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "DESCRIPTOR"):
            for field, value in proto.ListFields():
                if field.name in _MARKDOWN_FIELDS and isinstance(value, str):
                    texts.append(value)
            if proto.DESCRIPTOR.name == "Radio":
                texts.extend(proto.options)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at.main)
    walk(at.sidebar)
    return texts


def assert_no_links_or_images(at: AppTest, shown_at_least: int) -> list[str]:
    texts = markdown_texts(at)
    # The pages' own links (to a source document, say) are fine; none may lead to the hostile address.
    offending = {text: found for text in texts if (found := [f for f in links_and_images(text) if EVIL in f])}
    assert not offending, offending
    hostile = [as_shown(text) for text in texts if EVIL in as_shown(text)]
    assert len(hostile) >= shown_at_least, f"the hostile text was shown {len(hostile)} times: {hostile}"
    return hostile


@pytest.fixture
def hostile_store(store) -> str:
    publish_hostile_version(store)
    return store


def open_page(page: str | None) -> AppTest:
    at = AppTest.from_file(str(DASHBOARD), default_timeout=60)
    at.secrets.update(SECRETS)
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def sign_in(at: AppTest) -> AppTest:
    at.text_input(key="editor_username").input("aziz")
    at.text_input(key="editor_password").input(PASSWORD)
    at.button(key="editor_sign_in_submit").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_overview_and_sources_show_hostile_names_and_notes_as_plain_text(hostile_store):
    assert_no_links_or_images(open_page(None), shown_at_least=0)  # the Overview names no file or person
    at = open_page("app_pages/sources_page.py")
    shown = assert_no_links_or_images(at, shown_at_least=1)
    assert any(f"by {HOSTILE} — {HOSTILE}" in text for text in shown), shown  # publisher and note, as typed


def test_upload_and_versions_pages_show_hostile_file_sheet_and_editor_names_as_plain_text(hostile_store):
    at = sign_in(open_page("app_pages/upload_page.py"))
    at.file_uploader[0].set_value([(HOSTILE_CSV_NAME, CSV, "text/csv"),
                                   (HOSTILE_XLSX_NAME, hostile_xlsx(), "application/octet-stream")]).run()
    assert not at.exception, [e.value for e in at.exception]
    shown = assert_no_links_or_images(at, shown_at_least=5)
    joined = "\n".join(shown)
    assert f"Signed in as editor **{HOSTILE} (aziz)**" in joined  # the display name
    assert f"{HOSTILE_CSV_NAME} is already in the active version" in joined and f"uploaded by {HOSTILE}" in joined
    assert f"**{HOSTILE_XLSX_NAME}**: a valid activities table" in joined
    assert f"Read sheet '{HOSTILE_SHEET}'" in joined

    at.checkbox[0].check().run()  # the workbook repeats the published file's record: add it anyway
    at.text_input(key="publish_note").input(HOSTILE)
    at.button(key="publish").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(f"is now active ({HOSTILE_XLSX_NAME})" in text for text in assert_no_links_or_images(at, 1))

    at.switch_page("app_pages/versions_page.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert_no_links_or_images(at, shown_at_least=1)
    at.button(key="withdraw").click().run()  # a hostile file, whose name goes into the new version's note
    assert not at.exception, [e.value for e in at.exception]
    assert any("is now active (withdraw submission" in text for text in assert_no_links_or_images(at, 1))
