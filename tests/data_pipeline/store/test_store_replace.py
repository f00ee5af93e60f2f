"""Store.publish(replacing=…): a new file and the withdrawal of the one it replaces, in one version."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from data_pipeline.store import Store, StoreError, SubmissionInput


def activities(value: float) -> pd.DataFrame:
    return pd.DataFrame({"date": pd.to_datetime(["2019-05-01"]), "district_code": ["KT05"],
                         "indicator": ["grants_awarded"], "value": [value], "sex": [None], "age_group": [None],
                         "disability": [None], "notes": [None], "source_row": [3]})


def submission(value: float, name: str = "kulob.csv") -> SubmissionInput:
    return SubmissionInput(name, hashlib.sha256(str(value).encode()).hexdigest(), "activities", activities(value),
                           is_demo=False, uploaded_by="test")


def test_replacing_leaves_the_old_submission_out_in_the_same_version(store_url):
    with Store(store_url) as store:
        old = store.publish([submission(5)], created_by="test").added[0]
        result = store.publish([submission(7)], created_by="test", replacing=[old.id])
        assert [s.file_name for s in result.version.submissions] == ["kulob.csv"]
        assert result.version.submissions[0].id != old.id
        assert store.activities()["value"].tolist() == [7.0]
        assert len(store.versions()) == 2


def test_replacing_a_submission_not_in_the_active_version_changes_nothing(store_url):
    with Store(store_url) as store:
        store.publish([submission(5)], created_by="test")
        before = store.versions()
        with pytest.raises(StoreError, match="not in the active version"):
            store.publish([submission(7)], created_by="test", replacing=[999])
        assert store.versions() == before
