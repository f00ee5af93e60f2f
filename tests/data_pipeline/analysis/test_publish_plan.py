"""The publish rules, checked before publishing (``check_files``, ``plan_publish``) as ``Store.publish`` applies them."""

from __future__ import annotations

import hashlib

import pandas as pd

from data_pipeline.analysis.publish_plan import check_files, plan_publish
from data_pipeline.store import Store, SubmissionInput


def activities(value: float, day: str = "2019-05-01") -> pd.DataFrame:
    return pd.DataFrame({"date": pd.to_datetime([day]), "district_code": ["KT05"], "indicator": ["grants_awarded"],
                         "value": [value], "sex": [None], "age_group": [None], "disability": [None],
                         "notes": [None], "source_row": [3]})


def submission(value: float, name: str = "kulob.csv", is_demo: bool = False, day: str = "2019-05-01"):
    return SubmissionInput(name, hashlib.sha256(f"{value} {day}".encode()).hexdigest(), "activities",
                           activities(value, day), is_demo=is_demo, uploaded_by="test")


def test_a_file_already_published_is_a_duplicate_and_the_store_agrees(store_url):
    with Store(store_url) as store:
        first = store.publish([submission(5)], created_by="test").added[0]
        again = submission(5, name="renamed.csv")
        [check] = check_files(store.active_version(), [again])
        assert check.duplicate == first and check.same_name == ()
        assert store.publish([again], created_by="test").duplicates == ("renamed.csv",)


def test_a_file_of_the_same_name_with_other_content_is_named_and_the_store_counts_both(store_url):
    with Store(store_url) as store:
        first = store.publish([submission(5)], created_by="test").added[0]
        other = submission(7, day="2019-06-01")
        plan = plan_publish(store, [other])
        assert plan.files[0].duplicate is None and plan.files[0].same_name == (first,)
        assert plan.repeated_count == 0
        assert len(store.publish([other], created_by="test").version.submissions) == 2


def test_real_data_over_demo_data_checks_against_nothing(store_url):
    with Store(store_url) as store:
        store.publish([submission(5, is_demo=True)], created_by="test")
        plan = plan_publish(store, [submission(5)])
        assert plan.files[0].duplicate is None and plan.files[0].same_name == () and plan.repeated_count == 0
        assert store.publish([submission(5)], created_by="test").duplicates == ()


def test_a_record_published_under_another_name_is_repeated(store_url):
    with Store(store_url) as store:
        store.publish([submission(5)], created_by="test")
        plan = plan_publish(store, [submission(6, name="copy.csv")])
        assert plan.repeated_count == 1 and plan.repeated["repeats"].tolist() == ["kulob.csv"]


def test_a_record_in_two_of_the_files_is_repeated_whether_a_file_comes_as_a_frame_or_as_parts(store_url, tmp_path):
    """Two new files in one publish, the second repeating the first (the code before the int64 keys failed on
    this: it merged datetime keys with the empty frame's object column)."""
    from data_pipeline.ingest.stream import stream_table
    from data_pipeline.store.parts import RecordParts

    first = tmp_path / "first.csv"
    first.write_text("date,district,indicator,value\n2019-05-01,Dusti,grants_awarded,4\n2019-05-02,Panj,jobs_created,1\n")
    with Store(store_url) as store, RecordParts("first.csv") as parts:
        result = stream_table(first, parts)
        streamed = SubmissionInput("first.csv", result.sha256, "activities", result.frame, is_demo=False, parts=parts)
        again = SubmissionInput("again.csv", "sha-again", "activities", activities(4).assign(district_code="KT01"),
                                is_demo=False)
        plan = plan_publish(store, [streamed, again])
        assert plan.repeated_count == 1 and plan.repeated[["file", "row", "repeats"]].values.tolist() == [
            ["again.csv", 3, "first.csv"]]
        assert plan_publish(store, [again, streamed]).repeated["repeats"].tolist() == ["again.csv"]
