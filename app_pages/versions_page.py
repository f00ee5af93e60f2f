"""Data versions: the history of what was published (who, when, files, hashes, rows, what changed in the
totals), and for editors, rollback to any version and withdrawal of one submission.

Both changes make a new version (history is append-only), so either can itself be undone.
"""

from __future__ import annotations

import streamlit as st

import ui
from app_pages import editor_access
from ui import editing
from data_pipeline.analysis.history import VersionChange, short_hash, version_history
from data_pipeline.presentation.versions import history_table, note_text
from data_pipeline.store import StoreError

HISTORY_LIMIT = 100


@st.cache_data(show_spinner=False, max_entries=8)
def cached_history(url: str, newest_version: int | None) -> list[VersionChange]:
    """The history's facts (cached by the newest version id: every change makes a new version)."""
    return version_history(url, limit=HISTORY_LIMIT)


def apply_change(settings, action: str, change) -> None:
    """Run ``change(store_url, who)`` for a signed-in editor, then show the new version everywhere."""
    editor = editor_access.require_editor(settings, action)
    if editor is None:
        return
    try:
        version = change(ctx.store_url, editor.who)
    except StoreError as error:
        st.error(ui.tr("Nothing was changed: {error}").format(error=ui.plain(error)), icon=":material/error:")
        return
    st.session_state["_versions_flash"] = ui.tr("Version {version} is now active ({note}).").format(
        version=version.id, note=ui.plain(note_text(version.note, ui.current_language())))
    st.rerun()


def change_panel(column, texts: tuple[str, str, str, str, str], choices: dict, keys: tuple[str, str], icon: str,
                 change) -> None:
    """One change panel in ``column``: a title and caption, a choice among ``choices`` (id → label), and
    a button that runs ``change(store_url, chosen id, created_by=who)``. ``texts``: the title, caption,
    choice's label, button, and the action named if the editor's session has expired; ``keys``: the
    choice's and the button's widget keys."""
    title, caption, label, button, action = texts
    with column, st.container(border=True):
        st.markdown("**" + title + "**")
        st.caption(caption)
        chosen = st.selectbox(label, list(choices), key=keys[0], format_func=choices.get)
        if st.button(button, key=keys[1], icon=icon, disabled=chosen is None):
            apply_change(settings, action, lambda url, who: change(url, chosen, created_by=who))


ctx = ui.page_context()
st.title(ui.tr("Data versions"))
st.markdown(ui.tr("Every publish, rollback and withdrawal makes a new version; the dashboard shows the active one. "
                  "Nothing is ever deleted, so any change can be undone."))
flash = st.session_state.pop("_versions_flash", None)
if flash:
    st.success(flash, icon=":material/published_with_changes:")

try:  # the frame may have shown cached data while the database went away
    versions = editing.versions(ctx.store_url)
    history = history_table(cached_history(ctx.store_url, versions[0].id if versions else None),
                            ui.current_language())
except StoreError as error:
    ui.store_error(ctx.store_url, error)
    st.stop()
active = next((v for v in versions if v.active), None)

st.header(ui.tr("History"))
if history.empty:
    st.info(ui.tr("The store has no versions yet."))
else:
    if len(versions) > HISTORY_LIMIT:
        st.caption(ui.tr("The newest {n} of {total} versions.").format(n=HISTORY_LIMIT, total=len(versions)))
    shown = ui.show_table(history, {
        "version": ui.tr("Version"), "active": ui.tr("Active"), "created_at": ui.tr("Made (UTC)"),
        "created_by": ui.tr("By"), "data": ui.tr("Data"), "note": ui.tr("Note"), "files": ui.tr("Files"),
        "sha256": ui.tr("SHA-256 (start)"), "rows": ui.tr("Rows"), "changes": ui.tr("Change in programme totals"),
    }, formats={"version": "%d"}, wide=("files", "changes"), height=None if len(history) <= 20 else 520)
    ui.downloads(shown, "version-history", key="version_history")

st.header(ui.tr("Change the active version"))
settings = editor_access.access()
editor = editor_access.sign_in_panel(settings, ui.tr("roll back or withdraw data"))
if editor is None or active is None:
    st.stop()

left, right = st.columns(2)
# Labels made in the run: a format_func may be called outside it, where the language is unknown.
submissions = {s.id: f"#{s.id} {s.file_name} · {s.kind} · {ui.format_number(s.row_count)} " + ui.tr("rows")
               + f" · {s.uploaded_by} · {s.uploaded_at:%Y-%m-%d} · {short_hash(s.sha256)}"
               for s in active.submissions}
change_panel(left, (ui.tr("Withdraw one file"),
                    ui.tr("Makes a new version without the file's records (it stays in the history)."),
                    ui.tr("File in the active version"), ui.tr("Withdraw this file"), ui.tr("withdraw data")),
             submissions, ("withdraw_submission", "withdraw"), ":material/remove_circle:", editing.withdraw)
earlier = {v.id: f"v{v.id} · {v.created_at:%Y-%m-%d %H:%M} · {v.created_by} · {ui.format_number(v.row_count)} "
                 + ui.tr("rows") + (f" · {note_text(v.note, ui.current_language())}" if v.note else "")
           for v in versions if not v.active}
change_panel(right, (ui.tr("Roll back"), ui.tr("Makes a new version with exactly the data of an earlier one."),
                     ui.tr("Version to make active again"), ui.tr("Roll back to this version"), ui.tr("roll back")),
             earlier, ("rollback_version", "rollback"), ":material/history:", editing.rollback)
