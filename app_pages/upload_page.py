"""Upload data (editors): check CSV/XLSX monitoring tables, see every problem, publish them as a new version.

Nothing is stored until the editor presses "Publish", and only when every file is clean; the
publish is one transaction (``Store.publish``), so the dashboard shows either the old version or
the new one, never a mix.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

import ui
from app_pages import editor_access
from ui import editing
from data_pipeline.analysis.history import short_hash, totals, totals_change
from data_pipeline.ingest import ReadResult, read_table
from data_pipeline.analysis.publish_plan import FileCheck, PublishPlan, check_files
from data_pipeline.reference.schemas import KIND_ACTIVITIES
from data_pipeline.store import StoreError, SubmissionInput
from data_pipeline.presentation.problems import problems_table
from data_pipeline.presentation.template import build_template, template_file_name, template_kinds
from data_pipeline.presentation.versions import describe_change

# Most data rows read from one uploaded file (the CLI reads larger files). A bare string here would be
# drawn on the page by Streamlit's "magic", so this is a comment, not a docstring.
MAX_UPLOAD_ROWS = 200_000
PREVIEW_ROWS = 20
_READS_KEY = "_upload_reads"
_UPLOADER_ROUND_KEY = "_upload_round"
_FLASH_KEY = "_upload_flash"
_XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# How much of the progress bar each stage of read_table fills: (start, share).
_STAGES = {"reading": (0.0, 0.1), "parsing": (0.1, 0.5), "checking": (0.6, 0.4)}


def max_upload_mb() -> int:
    """The server's upload limit in MB (``server.maxUploadSize`` in .streamlit/config.toml)."""
    return int(st.get_option("server.maxUploadSize"))


def read_upload(name: str, data: bytes) -> ReadResult:
    """Read and check one uploaded file, with a progress bar."""
    shown_name = ui.plain(name)
    bar = st.progress(0.0, text=ui.tr("Reading {file}…").format(file=shown_name))
    shown = {"fraction": -1.0}

    def progress(stage: str, fraction: float) -> None:
        start, share = _STAGES.get(stage, (0.0, 1.0))
        overall = min(1.0, start + share * fraction)
        if overall - shown["fraction"] >= 0.02 or fraction >= 1:
            shown["fraction"] = overall
            label = {"reading": ui.tr("Reading {file}…"), "parsing": ui.tr("Parsing {file}…"),
                     "checking": ui.tr("Checking every value in {file}…")}.get(stage, "{file}")
            bar.progress(overall, text=label.format(file=shown_name))

    with tempfile.TemporaryDirectory(prefix="upload-") as folder:
        path = Path(folder) / "upload.bin"  # the format is decided by file_name, never by a path from outside
        path.write_bytes(data)
        result = read_table(path, file_name=name, progress=progress, max_bytes=max_upload_mb() * 2 ** 20,
                            max_rows=MAX_UPLOAD_ROWS)
    bar.empty()
    return result


def release_upload(file_id: str) -> None:
    """Drop an uploaded file's bytes from the server's memory once read (Streamlit would keep them until the
    session ends); the page keeps what was read."""
    context = get_script_run_ctx()
    if context is not None:
        context.uploaded_file_mgr.remove_file(context.session_id, file_id)


def preview_frame(result: ReadResult) -> pd.DataFrame:
    """The first rows of a clean file as they will be stored, with district codes resolved to names."""
    head = result.frame.head(PREVIEW_ROWS).drop(columns=["source_row"], errors="ignore").copy()
    head.insert(0, "row", result.frame["source_row"].head(PREVIEW_ROWS).to_numpy())
    if "district_code" in head:
        names = head["district_code"].map(lambda code: ui.district_name(code) if isinstance(code, str)
                                          else ui.tr("programme-wide"))
        head.insert(head.columns.get_loc("district_code") + 1, "district", names)
    if "date" in head:
        head["date"] = pd.to_datetime(head["date"]).dt.strftime("%Y-%m-%d")
    return head


def show_result(result: ReadResult) -> None:
    """One file's outcome: what it is, notes, and its preview when clean."""
    file = ui.plain(result.file_name)
    if result.ok:
        st.success(ui.tr("**{file}**: a valid {kind} table, {rows} records.")
                   .format(file=file, kind=result.kind, rows=ui.format_number(result.row_count)),
                   icon=":material/check_circle:")
    else:
        count = len(result.problems)
        st.error(ui.tr("**{file}**: {count} problem(s) found; this file cannot be published until they are "
                       "fixed. See the report below.").format(file=file, count=count),
                 icon=":material/error:")
    for note in result.notes:
        st.caption(ui.plain(note))
    if result.ok:
        with st.expander(ui.tr("Preview of {file}: the first {n} records as they will be stored")
                         .format(file=file, n=min(PREVIEW_ROWS, len(result.frame))), expanded=True):
            st.dataframe(preview_frame(result), hide_index=True, width="stretch", placeholder="")  # an empty cell


def totals_preview(ctx: ui.PageContext, results: list[ReadResult], checks: tuple[FileCheck, ...],
                   replacing: list[int]) -> pd.DataFrame:
    """Programme totals now, added by the new activities files, and after publishing."""
    active = ctx.full.version
    starts_fresh = active is None or active.is_demo
    now = totals(ctx.full.activities)
    kept = now if not starts_fresh else pd.Series(dtype=float)
    if replacing and not starts_fresh:
        kept_ids = [s.id for s in active.submissions if s.id not in replacing]
        kept = totals(editing.activities_of(ctx.store_url, active.id, kept_ids))
    new = [r for r, check in zip(results, checks) if r.kind == KIND_ACTIVITIES and check.duplicate is None]
    added = totals(pd.concat([r.frame for r in new])) if new else pd.Series(dtype=float)
    return totals_change(now, kept.add(added, fill_value=0.0))


def submissions_of(results: list[ReadResult], who: str) -> list[SubmissionInput]:
    return [SubmissionInput(r.file_name, r.sha256, r.kind, r.frame, is_demo=False, uploaded_by=who) for r in results]


def repeated_records(ctx: ui.PageContext, results: list[ReadResult], replacing: list[int]) -> PublishPlan:
    """The publish plan of these files over the active version (its repeated records)."""
    return editing.publish_plan(ctx.store_url, ui.version_id(ctx), submissions_of(results, ""), replacing)


def publish(ctx: ui.PageContext, settings, results: list[ReadResult], replacing: list[int], note: str) -> None:
    """Publish the clean files as one new version (editors only; checked again here)."""
    editor = editor_access.require_editor(settings, ui.tr("publish"))
    if editor is None:
        return
    submissions = submissions_of(results, editor.who)
    before = totals(ctx.full.activities)
    try:
        with st.spinner(ui.tr("Publishing…")):
            outcome, after = editing.publish(ctx.store_url, submissions, created_by=editor.who, note=note.strip(),
                                             replacing=replacing)
    except StoreError as error:
        st.error(ui.tr("Nothing was published: {error}").format(error=ui.plain(error)), icon=":material/error:")
        return
    if outcome.version is None:
        st.info(ui.tr("Nothing changed: every file is already in the active version, and is not counted twice."),
                icon=":material/content_copy:")
        return
    message = ui.tr("Published: version {version} is now active ({files}). Totals: {changes}.").format(
        version=outcome.version.id, files=", ".join(ui.plain(s.file_name) for s in outcome.added)
        or ui.tr("no new file"),
        changes=describe_change(totals_change(before, after), lang=ui.current_language()))
    if outcome.duplicates:
        message += " " + ui.tr("Already in the active version, not counted twice: {files}.").format(
            files=", ".join(ui.plain(name) for name in outcome.duplicates))
    st.session_state[_FLASH_KEY] = message
    st.session_state[_UPLOADER_ROUND_KEY] = st.session_state.get(_UPLOADER_ROUND_KEY, 0) + 1
    st.session_state.pop(_READS_KEY, None)
    st.rerun()


def report_section(results: list[ReadResult]) -> None:
    problems = [p for r in results for p in r.problems]
    if not problems:
        return
    st.subheader(ui.tr("Validation report"))
    st.caption(ui.tr("Each problem with its file, row (as the spreadsheet numbers it), column, value, what is "
                     "allowed and suggestions. Fix them in the file and upload it again."))
    report = problems_table(problems, lang=ui.current_language())
    # The problem first (on a phone only the first columns are in view), then where it is; "Did you mean"
    # before "Allowed": the allowed lists can be long and would push it off screen.
    ui.show_table(report, {"problem": ui.tr("Problem"), "row": ui.tr("Row"), "column": ui.tr("Column"),
                           "value": ui.tr("Value"), "suggestions": ui.tr("Did you mean"), "allowed": ui.tr("Allowed"),
                           "file": ui.tr("File")}, wide=("problem",),
                  formats={"row": "%d"}, height=None if len(report) <= 20 else 420)
    ui.downloads(report, "validation-report", key="validation_report")


ctx = ui.page_context()
st.title(ui.tr("Upload data"))
st.markdown(ui.tr("Add a field office's monitoring table (activities, targets or funding) to the dashboard. "
                  "Every value is checked first; nothing changes until an editor publishes a clean file."))
flash = st.session_state.pop(_FLASH_KEY, None)
if flash:
    st.success(flash, icon=":material/published_with_changes:")

st.header(ui.tr("Templates"))
st.caption(ui.tr("Excel templates with the expected columns, drop-down lists of the 16 districts and the "
                 "indicators, and instructions in English and Russian."))
template_columns = st.columns(len(template_kinds()) + 1)
for column, kind in zip(template_columns, template_kinds()):
    column.download_button(ui.tr("{kind} template").format(kind=ui.tr(kind).capitalize()), build_template(kind),
                           template_file_name(kind), _XLSX_TYPE, key=f"template_{kind}", icon=":material/download:")

limits = ui.tr("CSV (UTF-8 or Windows-1251) or Excel (.xlsx), at most {mb} MB and {rows} rows per file. The "
               "first row is the header; no merged cells; values, not formulas.").format(
    mb=max_upload_mb(), rows=ui.format_number(MAX_UPLOAD_ROWS))

st.header(ui.tr("Sign in"))
settings = editor_access.access()
editor = editor_access.sign_in_panel(settings, ui.tr("upload or publish data"))

st.header(ui.tr("Files"))
st.caption(limits)
if editor is None:
    st.caption(ui.tr("The file picker appears once you are signed in as an editor."))
    st.stop()

uploader_key = f"upload_files_{st.session_state.get(_UPLOADER_ROUND_KEY, 0)}"
uploads = st.file_uploader(ui.tr("CSV or Excel files"), type=["csv", "xlsx"], accept_multiple_files=True,
                           key=uploader_key, help=limits)
# Each file is read once, on the run after it arrives, and its bytes are released: the widget's state
# (which, unlike its value, keeps released files, as DeletedFile) says which files are still chosen.
reads: dict[str, ReadResult | str] = st.session_state.setdefault(_READS_KEY, {})
for upload in uploads:
    try:
        if upload.file_id not in reads:
            reads[upload.file_id] = read_upload(upload.name, upload.getvalue())
    except Exception as error:  # read_table reports bad input itself; this is the last line of defence
        reads[upload.file_id] = ui.tr("{file} could not be read ({error}); nothing was stored. Save it again "
                                      "from Excel as .xlsx or CSV UTF-8 and upload it again.").format(
            file=ui.plain(upload.name), error=type(error).__name__)
    finally:
        release_upload(upload.file_id)
chosen = [file.file_id for file in st.session_state.get(uploader_key) or []]
for file_id in set(reads) - set(chosen):  # removed from the picker
    del reads[file_id]
outcomes = [reads[file_id] for file_id in chosen if file_id in reads]
if not outcomes:
    st.stop()
for unreadable in (outcome for outcome in outcomes if isinstance(outcome, str)):
    st.error(unreadable, icon=":material/error:")
results = [outcome for outcome in outcomes if not isinstance(outcome, str)]
if len(results) < len(outcomes):
    st.stop()
for result in results:
    show_result(result)
report_section(results)
if not all(r.ok for r in results):
    st.error(ui.tr("Nothing can be published while any file has problems; the data on the dashboard is "
                   "unchanged."), icon=":material/block:")
    st.button(ui.tr("Publish as a new version"), type="primary", disabled=True, key="publish_disabled",
              help=ui.tr("Fix every problem first."))
    st.stop()

st.header(ui.tr("Publish"))
active = ctx.full.version
if active is not None and active.is_demo:
    st.warning(ui.tr("The dashboard shows demo data now. Publishing real data starts a new version with only "
                     "real data: the demo figures will no longer be shown."), icon=":material/science:")
replacing: list[int] = []
choices_made = True
checks = check_files(active, submissions_of(results, ""))
for result, check in zip(results, checks):
    duplicate = check.duplicate
    if duplicate is not None:
        st.info(ui.tr("{file} is already in the active version (submission {id}, uploaded by {who} on {when}): it "
                      "will not be counted twice.").format(file=ui.plain(result.file_name), id=duplicate.id,
                                                           who=ui.plain(duplicate.uploaded_by),
                                                           when=f"{duplicate.uploaded_at:%Y-%m-%d %H:%M}"),
                icon=":material/content_copy:")
        continue
    for old in check.same_name:
        st.warning(ui.tr("A file named {file} with other content is already published (submission {id}, {rows} "
                         "records, uploaded by {who} on {when}). If both stay, both are counted.").format(
            file=ui.plain(old.file_name), id=old.id, rows=ui.format_number(old.row_count),
            who=ui.plain(old.uploaded_by),
            when=f"{old.uploaded_at:%Y-%m-%d %H:%M}"), icon=":material/warning:")
        choice = st.radio(ui.tr("What should happen to submission {id}?").format(id=old.id),
                          ["replace", "keep"], index=None, key=f"replace_{old.id}_{short_hash(result.sha256)}",
                          format_func={"replace": ui.tr("Replace it: withdraw it in the same version"),
                                       "keep": ui.tr("Keep both: the files hold different records")}.get)
        if choice is None:
            choices_made = False
        elif choice == "replace":
            replacing.append(old.id)

change = totals_preview(ctx, results, checks, replacing)
if change.empty:
    st.caption(ui.tr("Publishing these files does not change any programme total."))
else:
    st.caption(ui.tr("Programme totals now and after publishing:"))
    ui.show_table(change, {"label": ui.tr("Indicator"), "previous": ui.tr("Now"),
                           "current": ui.tr("After publishing"), "change": ui.tr("Change")})
plan = repeated_records(ctx, results, replacing)
repeats_confirmed = True
if plan.repeated_count:
    st.warning(ui.tr("{count} record(s) repeat records already published or in another of these files: same date, "
                     "district, indicator and breakdown. Publishing adds them a second time.").format(
        count=ui.format_number(plan.repeated_count)), icon=":material/content_copy:")
    repeated = plan.repeated.assign(district=plan.repeated["district_code"].map(ui.district_name),
                                    date=plan.repeated["date"].dt.strftime("%Y-%m-%d"))
    # Where each record is already first (a phone shows the left columns); breakdowns only when recorded.
    breakdowns = {column: label for column, label in (("sex", ui.tr("Sex")), ("age_group", ui.tr("Age group")),
                                                      ("disability", ui.tr("Disability")))
                  if (repeated[column] != "").any()}
    ui.show_table(ui.translated(repeated, *breakdowns),
                  {"file": ui.tr("File"), "row": ui.tr("Row"), "repeats": ui.tr("Already in"), "date": ui.tr("Date"),
                   "district": ui.tr("District"), "indicator": ui.tr("Indicator"), "value": ui.tr("Value"),
                   **breakdowns},
                  formats={"row": "%d"})
    if plan.repeated_count > len(plan.repeated):
        st.caption(ui.tr("The first {shown} of {count}.").format(shown=len(plan.repeated),
                                                                 count=ui.format_number(plan.repeated_count)))
    repeats_confirmed = st.checkbox(ui.tr("These are new records: add them although they repeat published ones"),
                                    key=f"allow_repeated_{short_hash(''.join(r.sha256 for r in results))}")
note = st.text_input(ui.tr("Note for the version history (optional)"), key="publish_note", max_chars=500)
if not choices_made:
    st.caption(ui.tr("Choose what happens to the earlier file with the same name to publish."))
elif not repeats_confirmed:
    st.caption(ui.tr("Confirm the repeated records above to publish, or withdraw the file that holds them first "
                     "(Data versions)."))
if st.button(ui.tr("Publish as a new version"), type="primary", disabled=not (choices_made and repeats_confirmed),
             key="publish", icon=":material/publish:"):
    publish(ctx, settings, results, replacing, note)
