"""The Upload data and Data versions pages in AppTest: sign-in, upload, report, publish, rollback, withdraw.

Each test gets its own copy of the demo store, since most of them change it.
"""

from __future__ import annotations

import time

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from data_pipeline.store import editors
from data_pipeline.store.editors import Editor, hash_password, verify_password
from data_pipeline.presentation.i18n import format_number
from data_pipeline.store import Store
from tests.pages.conftest import shown_tables, DASHBOARD, PAGES, as_shown, data_version_line, headline_cards
from web_security import EDITOR_UPLOADS

UPLOAD = "app_pages/upload_page.py"
VERSIONS = "app_pages/versions_page.py"
PASSWORD = "kulob-office-1"
APPTEST_SESSION_ID = "test session id"  # every AppTest run's (streamlit.testing.v1.local_script_runner)
# Cheap hashes (n=2^10) keep the tests fast; the cost travels inside the hash string.
EDITORS = {name: {"password_hash": hash_password(PASSWORD, n=2 ** 10)}
           for name in ("aziz", "farida", "rustam", "nodira")}
VALID_CSV = (b"date,district,indicator,value\n"
             b"2020-06-01,Panj,grants_awarded,7\n"
             b"2020-06-02,\xd0\x92\xd0\xb0\xd0\xbd\xd1\x87,jobs_created,5\n")  # Ванч
INVALID_CSV = (b"date,district,indicator,value\n"
               b"2020-06-01,Panjj,grants_awarded,7\n"
               b"2020-06-02,Vanj,jobs,x\n")


def versions(url: str) -> list:
    with Store(url) as store:
        return store.versions()


def app(page: str, secrets: dict | None = None, user: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(DASHBOARD), default_timeout=60)
    at.secrets.update({"editors": EDITORS} if secrets is None else secrets)
    if user is not None:
        at.user = user
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def sign_in(at: AppTest, username: str = "aziz", password: str = PASSWORD) -> AppTest:
    at.text_input(key="editor_username").input(username)
    at.text_input(key="editor_password").input(password)
    at.button(key="editor_sign_in_submit").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.file_uploader[0].set_value((name, content, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(elements) -> str:
    return "\n".join(as_shown(str(e.value)) for e in elements)


def test_valid_file_is_published_as_a_new_version_and_the_figures_change(store):
    before = versions(store)
    at = sign_in(app(UPLOAD))
    assert "Signed in as editor **aziz**" in texts(at.success)
    at = upload(at, "kulob.csv", VALID_CSV)
    assert "**kulob.csv**: a valid activities table, 2 records." in texts(at.success)
    preview = shown_tables(at)[0]
    assert preview["district"].tolist() == ["Panj", "Vanj"], "district codes are shown with their names"
    assert preview["district_code"].tolist() == ["KT05", "GB02"]
    assert "demo figures will no longer be shown" in texts(at.warning)
    at.button(key="publish").click().run()
    assert not at.exception
    assert "version 2 is now active (kulob.csv)" in texts(at.success)
    after = versions(store)
    assert len(after) == len(before) + 1 and after[0].active and after[0].created_by == "aziz"
    assert [s.file_name for s in after[0].submissions] == ["kulob.csv"]
    at.switch_page("app_pages/overview_page.py").run()
    cards = headline_cards(at)
    assert cards["Grants awarded"] == format_number(7) and cards["Jobs created"] == format_number(5)
    assert not any("generated for demonstration" in w.value for w in at.warning), "the demo banner must go"


def test_invalid_file_is_refused_with_its_report_and_the_store_is_unchanged(store):
    before = versions(store)
    at = upload(sign_in(app(UPLOAD)), "bad.csv", INVALID_CSV)
    assert "**bad.csv**: 3 problem(s) found" in texts(at.error)
    assert "Nothing can be published" in texts(at.error)
    report = shown_tables(at)[-1]
    # The problem first: on a phone only the first columns are in view (issue 17).
    assert list(report.columns) == ["problem", "row", "column", "value", "suggestions", "allowed", "file"]
    assert report.attrs["pinned"] == "problem"
    panjj = report[report["value"] == "Panjj"].iloc[0]
    assert (panjj["row"], panjj["column"]) == (2, "district") and "Panj" in panjj["suggestions"]
    assert set(report["value"]) == {"Panjj", "jobs", "x"}
    assert {b.label for b in at.get("download_button")} >= {"Download CSV", "Download XLSX"}
    assert at.button(key="publish_disabled").disabled
    assert not [b for b in at.button if b.key == "publish"]
    assert versions(store) == before


@pytest.mark.parametrize("name, content, message", [
    ("sheet.xlsx", b"date,district\n2020-01-01,Panj\n", "is not an Excel workbook"),
    ("data.csv", b"PK\x03\x04not really a zip", "zip archive"),
    ("empty.csv", b"", "The file is empty"),
    ("huge.csv", b"date,district,indicator,value\n" + b"2020-06-01,Panj,grants_awarded,1\n" * 200_001,
     "at most 200,000 are read"),
])
def test_files_that_cannot_be_read_get_a_clear_message_not_a_traceback(store, name, content, message):
    at = upload(sign_in(app(UPLOAD)), name, content)
    assert "problem(s) found" in texts(at.error)
    problems = shown_tables(at)[-1]["problem"].tolist()
    assert any(message in problem for problem in problems), problems
    assert at.button(key="publish_disabled").disabled


def test_the_same_file_twice_is_recognised_and_not_counted_twice(store):
    at = upload(sign_in(app(UPLOAD)), "kulob.csv", VALID_CSV)
    at.button(key="publish").click().run()
    published = versions(store)
    at = upload(at, "kulob-copy.csv", VALID_CSV)
    assert "is already in the active version" in texts(at.info)
    assert "does not change any programme total" in texts(at.caption)
    at.button(key="publish").click().run()
    assert "Nothing changed" in texts(at.info)
    assert versions(store) == published


def test_same_name_with_other_content_offers_replacing_the_earlier_file(store):
    at = upload(sign_in(app(UPLOAD)), "kulob.csv", VALID_CSV)
    at.button(key="publish").click().run()
    corrected = VALID_CSV.replace(b"grants_awarded,7", b"grants_awarded,9")
    at = upload(at, "kulob.csv", corrected)
    assert "with other content is already published" in texts(at.warning)
    assert at.button(key="publish").disabled, "a choice is required first"
    at.radio[0].set_value("replace").run()
    change = shown_tables(at)[-1]
    assert change.set_index("label").loc["Grants awarded", "current"] == 9
    at.button(key="publish").click().run()
    active = versions(store)[0]
    assert [s.file_name for s in active.submissions] == ["kulob.csv"]
    with Store(store) as opened:
        assert opened.activities()["value"].sum() == 14


def test_a_viewer_cannot_upload_and_sees_why(store):
    before = versions(store)
    at = app(UPLOAD)
    assert "Only signed-in editors can upload or publish data" in texts(at.info)
    assert not at.file_uploader, "no file picker without sign-in"
    assert [b.label for b in at.get("download_button")][:3] == ["Activities template", "Targets template",
                                                                "Funding template"], "templates are for everyone"
    assert versions(store) == before


def test_wrong_credentials_are_refused(store):
    at = sign_in(app(UPLOAD), "farida", "not-the-password")
    assert "Wrong user name or password" in texts(at.error)
    assert not at.file_uploader
    at = sign_in(at, "nobody", PASSWORD)
    assert "Wrong user name or password" in texts(at.error)
    assert not at.file_uploader


def test_repeated_wrong_passwords_lock_the_sign_in_and_clearing_the_caches_does_not_lift_it(store, monkeypatch):
    checked = []
    monkeypatch.setattr(editors, "verify_password", lambda password, stored: checked.append(password) or False)
    at = app(UPLOAD)
    for attempt in range(5):
        at = sign_in(at, "rustam", f"wrong-password-{attempt}")
        st.cache_resource.clear()  # what any client's "clear cache" message does
        st.cache_data.clear()
    monkeypatch.setattr(editors, "verify_password", verify_password)
    at = sign_in(at, "rustam", PASSWORD)
    assert "Too many failed sign-ins" in texts(at.error)
    assert not at.file_uploader
    at = sign_in(app(UPLOAD), "rustam", PASSWORD)  # a new session, as a new browser tab would be
    assert "Too many failed sign-ins" in texts(at.error)
    assert len(checked) == 5


def test_an_expired_session_is_refused_and_nothing_is_published(store):
    before = versions(store)
    at = upload(sign_in(app(UPLOAD), "nodira"), "kulob.csv", VALID_CSV)
    editor: Editor = at.session_state["_editor"]
    at.session_state["_editor"] = Editor(editor.who, editor.display_name, time.time() - 61 * 60, editor.method)
    at.button(key="publish").click().run()
    assert "has expired" in texts(at.warning)
    assert not at.file_uploader
    assert not EDITOR_UPLOADS.allows(APPTEST_SESSION_ID)
    assert versions(store) == before


def test_sign_out_ends_the_editor_session(store):
    at = app(UPLOAD)
    assert not EDITOR_UPLOADS.allows(APPTEST_SESSION_ID), "the server refuses uploads before sign-in"
    at = sign_in(at)
    assert EDITOR_UPLOADS.allows(APPTEST_SESSION_ID), "signed in: the server accepts this session's uploads"
    at.button(key="editor_sign_out").click().run()
    assert "You are signed out" in texts(at.info)
    assert not at.file_uploader
    assert not EDITOR_UPLOADS.allows(APPTEST_SESSION_ID), "signed out: refused again"


def test_without_editor_configuration_nobody_can_edit(store):
    at = app(UPLOAD, secrets={})
    assert "Editing is not set up on this server" in texts(at.info)
    assert not at.file_uploader and not at.text_input


def test_a_plain_text_password_in_the_secrets_switches_editing_off(store):
    at = app(UPLOAD, secrets={"editors": {"aziz": {"password": PASSWORD}}})
    assert "plain-text password" in texts(at.error)
    assert not at.file_uploader and not at.text_input


OIDC = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                 "client_id": "dashboard", "client_secret": "secret",
                 "server_metadata_url": "https://id.example.org/.well-known/openid-configuration"},
        "editing": {"editor_emails": ["officer@iom.int"]}}


def test_oidc_user_not_on_the_editor_list_is_a_viewer(store):
    at = app(UPLOAD, secrets=OIDC, user={"is_logged_in": True, "email": "someone@iom.int", "iat": time.time()})
    assert "someone@iom.int is not on this dashboard's list of editors" in texts(at.warning)
    assert not at.file_uploader


def test_oidc_editor_can_upload_and_a_signed_out_visitor_gets_the_sign_in_button(store):
    at = app(UPLOAD, secrets=OIDC, user={"is_logged_in": True, "email": "Officer@iom.int", "iat": time.time()})
    assert "Signed in as editor **officer@iom.int**" in texts(at.success)
    assert at.file_uploader
    at = app(UPLOAD, secrets=OIDC, user={"is_logged_in": False})
    assert [b.key for b in at.button if b.key == "editor_login"]
    assert not at.file_uploader


def test_oidc_sign_in_older_than_the_session_limit_is_expired(store):
    at = app(UPLOAD, secrets=OIDC, user={"is_logged_in": True, "email": "officer@iom.int",
                                         "iat": time.time() - 2 * 3600})
    assert "has expired" in texts(at.warning)
    assert not at.file_uploader


def test_versions_page_shows_history_to_everyone_but_changes_only_to_editors(store):
    at = app(VERSIONS)
    history = shown_tables(at)[0]
    assert history["version"].tolist() == [1] and "demo-activities" in history["files"].iloc[0]
    assert not [b for b in at.button if b.key in ("rollback", "withdraw")]
    assert "Only signed-in editors can roll back or withdraw data" in texts(at.info)


def test_editor_rolls_back_and_withdraws(store):
    at = upload(sign_in(app(UPLOAD)), "kulob.csv", VALID_CSV)
    at.button(key="publish").click().run()
    at.switch_page(VERSIONS).run()
    history = shown_tables(at)[0]
    assert history["version"].tolist() == [2, 1]
    assert history.iloc[0]["created_by"] == "aziz" and history.iloc[0]["rows"] == 2
    assert "Grants awarded" in history.iloc[0]["changes"] and history.iloc[0]["sha256"]
    at.selectbox(key="rollback_version").set_value(1)
    at.button(key="rollback").click().run()
    assert "Version 3 is now active (rollback to v1)" in texts(at.success)
    active = versions(store)[0]
    assert active.id == 3 and active.is_demo
    at.selectbox(key="withdraw_submission").set_value(active.submissions[0].id)
    at.button(key="withdraw").click().run()
    assert "Version 4 is now active (withdraw submission" in texts(at.success)
    assert len(versions(store)[0].submissions) == len(active.submissions) - 1
    at.switch_page("app_pages/overview_page.py").run()
    assert not at.exception
    assert data_version_line(at).startswith("Data version 4"), "the dashboard shows the new version"


def test_records_repeating_published_ones_under_another_name_need_an_explicit_confirmation(store):
    at = upload(sign_in(app(UPLOAD)), "kulob.csv", VALID_CSV)
    at.button(key="publish").click().run()
    published = versions(store)
    again = VALID_CSV.replace(b"2020-06-01", b"2020-06-03") + b"2020-07-01,Panj,jobs_created,2\n"
    at = upload(at, "kulob-june.csv", again)
    assert "1 record(s) repeat records already published" in texts(at.warning)
    repeated = shown_tables(at)[-1]
    assert repeated[["row", "district", "indicator", "value", "repeats"]].values.tolist() == [
        [3, "Vanj", "jobs_created", 5, "kulob.csv"]]
    assert at.button(key="publish").disabled, "repeated records need a decision"
    assert versions(store) == published
    next(c for c in at.checkbox if c.key.startswith("allow_repeated")).check().run()
    at.button(key="publish").click().run()
    assert not at.exception
    with Store(store) as opened:
        assert sorted(opened.activities()["value"].tolist()) == [2, 5, 5, 7, 7]


def test_a_record_outside_the_programme_districts_is_refused_not_counted_in_the_preview(store):
    at = upload(sign_in(app(UPLOAD)), "khatlon.csv", VALID_CSV + "2020-06-04,Кулоб,jobs_created,16\n".encode())
    assert "**khatlon.csv**: 1 problem(s) found" in texts(at.error)
    report = shown_tables(at)[-1]
    assert report["problem"].tolist() == ["'Кулоб' is Kulob (Khatlon), not one of the 16 programme districts: the "
                                          "dashboard cannot show its records. Remove these rows, or correct the "
                                          "district if it was mistyped."]
    assert "After publishing" not in texts(at.caption) and at.button(key="publish_disabled").disabled


@pytest.mark.parametrize(("lang", "labels"), [
    ("ru", ["Шаблон «Мероприятия»", "Шаблон «Цели»", "Шаблон «Финансирование»"]),
    ("tg", None),
])
def test_template_buttons_name_the_kind_in_the_reader_s_language(open_page, monkeypatch, lang, labels):
    monkeypatch.setitem(PAGES, "upload", UPLOAD)  # not among the reading pages every page test walks
    at = open_page("upload", lang=lang)
    shown = [b.label for b in at.get("download_button")][:3]
    assert not any(kind in label for label in shown for kind in ("Activities", "Targets", "Funding")), shown
    if labels:
        assert shown == labels
