"""The version history as people read it, in each language."""

from __future__ import annotations

import pytest

from data_pipeline.analysis.demo import DEMO_VERSION_NOTE, load_demo
from data_pipeline.analysis.history import note_text, version_history
from data_pipeline.store import Store, SubmissionInput
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


def test_history_in_english_shows_the_notes_as_stored(history_store):
    history = version_history(history_store)
    assert history["note"].tolist()[:3] == [history["note"].iloc[0], "rollback to v1", "Q3 from the Kulob office"]
    assert history["note"].iloc[0].startswith("withdraw submission ")
    assert history["active"].tolist()[:2] == ["active", ""] and set(history["data"]) == {"demo"}


@pytest.mark.parametrize("lang, rollback, active, demo", [("ru", "откат к версии 1", "активна", "демо"),
                                                          ("tg", "баргардонидан ба версияи 1", "фаъол", "намоишӣ")])
def test_history_in_another_language_translates_the_stores_notes_but_not_peoples(history_store, lang, rollback,
                                                                                  active, demo):
    history = version_history(history_store, lang=lang)
    english = version_history(history_store)
    assert history["note"].iloc[1] == rollback
    assert history["note"].iloc[2] == "Q3 from the Kulob office"  # what a person wrote stays as written
    assert history["note"].iloc[0] == note_text(english["note"].iloc[0], lang) != english["note"].iloc[0]
    assert history["active"].iloc[0] == active and set(history["data"]) == {demo}
    assert history["changes"].iloc[1] != english["changes"].iloc[1]


@pytest.mark.parametrize("lang, expected", [
    ("ru", "демо-данные (начальное число 2020), созданы 2026-11-23"),
    ("tg", "маълумоти намоишӣ (адади ибтидоӣ 2020), сохта шуд 2026-11-23")])
def test_the_demo_versions_note_is_translated(lang, expected):
    assert note_text(DEMO_VERSION_NOTE.format(seed=2020, date="2026-11-23"), lang) == expected


@pytest.mark.parametrize("note", ["", "rollback to v1 because of Vanj", "withdraw submission x (a.csv)",
                                  "demo data (seed 2020), generated yesterday"])
def test_notes_that_only_look_like_the_stores_stay_as_written(note):
    assert note_text(note, "ru") == note
