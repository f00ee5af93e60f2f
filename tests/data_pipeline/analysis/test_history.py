"""The version history: facts from the store, and as people read them, in each language."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from data_pipeline.analysis.demo import load_demo
from data_pipeline.analysis.history import version_history
from data_pipeline.presentation.versions import history_table, note_text
from data_pipeline.store import Store, SubmissionInput, VersionNote
from tests.data_pipeline.frames import random_activities


@pytest.fixture
def history_store(tmp_path) -> str:
    """Demo data, a second file, a rollback to v1 and a withdrawal: versions 1 to 4."""
    url = f"sqlite:///{tmp_path / 'history.db'}"
    load_demo(url)
    with Store(url) as store:
        store.publish([SubmissionInput("extra.csv", "f" * 64, "activities", random_activities(30, seed=4),
                                       is_demo=True)], created_by="aziz", note="Q3 from the Kulob office")
        store.rollback(1, created_by="aziz")
        store.withdraw(store.active_version().submissions[0].id, created_by="aziz")
    return url


def test_history_holds_the_notes_as_facts(history_store):
    history = version_history(history_store)
    notes = [entry.version.note for entry in history]
    assert [note.kind for note in notes] == ["withdraw", "rollback", "text", "demo"]
    assert (notes[1].version, notes[2].text, notes[3].seed) == (1, "Q3 from the Kulob office", 2020)
    assert list(history[1].change.columns) == ["indicator", "label", "previous", "current", "change"]


def test_history_in_english_shows_the_notes_as_stored(history_store):
    history = history_table(version_history(history_store))
    assert history["note"].tolist()[:3] == [history["note"].iloc[0], "rollback to v1", "Q3 from the Kulob office"]
    assert history["note"].iloc[0].startswith("withdraw submission ")
    assert history["active"].tolist()[:2] == ["active", ""] and set(history["data"]) == {"demo"}


@pytest.mark.parametrize("lang, rollback, active, demo", [("ru", "откат к версии 1", "активна", "демо"),
                                                          ("tg", "баргардонидан ба версияи 1", "фаъол", "намоишӣ")])
def test_history_in_another_language_translates_the_stores_notes_but_not_peoples(history_store, lang, rollback,
                                                                                  active, demo):
    facts = version_history(history_store)
    history, english = history_table(facts, lang), history_table(facts)
    assert history["note"].iloc[1] == rollback
    assert history["note"].iloc[2] == "Q3 from the Kulob office"  # what a person wrote stays as written
    assert history["note"].iloc[0] == note_text(facts[0].version.note, lang) != english["note"].iloc[0]
    assert history["active"].iloc[0] == active and set(history["data"]) == {demo}
    assert history["changes"].iloc[1] != english["changes"].iloc[1]


@pytest.mark.parametrize("lang, expected", [
    ("en", "demo data (seed 2020), generated 2026-11-23"),
    ("ru", "демо-данные (начальное число 2020), созданы 2026-11-23"),
    ("tg", "маълумоти намоишӣ (адади ибтидоӣ 2020), сохта шуд 2026-11-23")])
def test_the_demo_versions_note_is_translated(lang, expected):
    assert note_text(VersionNote.demo(2020, "2026-11-23"), lang) == expected


def test_notes_stored_as_english_sentences_by_older_code_are_still_translated(history_store):
    engine = sa.create_engine(history_store)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE versions SET note = 'rollback to v1' WHERE id = 4"))
        conn.execute(sa.text("UPDATE versions SET note = 'demo data (seed 7), generated 2026-11-23' WHERE id = 1"))
        conn.execute(sa.text("UPDATE versions SET note = 'Q3 from the Kulob office' WHERE id = 2"))
    engine.dispose()
    with Store(history_store) as store:
        notes = {v.id: v.note for v in store.versions()}
    assert notes[4] == VersionNote("text", text="rollback to v1")
    assert note_text(notes[4], "ru") == "откат к версии 1"
    assert note_text(notes[1], "ru") == "демо-данные (начальное число 7), созданы 2026-11-23"
    assert note_text(notes[2], "ru") == "Q3 from the Kulob office"


@pytest.mark.parametrize("note", ["", "rollback to v1 because of Vanj", "withdraw submission x (a.csv)",
                                  "demo data (seed 2020), generated yesterday",
                                  '{"kind": "rollback", "version": 3}'])
def test_notes_that_only_look_like_the_stores_stay_as_written(tmp_path, note):
    url = f"sqlite:///{tmp_path / 'notes.db'}"
    with Store(url) as store:
        version = store.publish([SubmissionInput("a.csv", "a" * 64, "activities", random_activities(5, seed=1),
                                                 is_demo=False)], created_by="me", note=note).version
        assert store.version(version.id).note == VersionNote.written(note)
    assert bool(version.note) == bool(note)
    assert note_text(version.note, "ru") == note
