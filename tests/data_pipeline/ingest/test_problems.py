"""Problems as facts (data_pipeline.ingest.problems) and in words (data_pipeline.presentation.problems)."""

from __future__ import annotations

import pickle

import numpy as np

from data_pipeline.ingest.problems import Problem, ProblemLog, Text, message
from data_pipeline.presentation.problems import format_problems, problem_text, problems_table


def test_a_problem_is_a_msgid_and_its_values_and_reads_as_english():
    text = message("Empty {what}: every row needs one (write 0 if nothing happened, or delete the row).",
                   what=Text("target"))
    problem = Problem("f.csv", 2, "target", None, text, "a number ≥ 0")
    assert (problem.template, problem.params) == (text.msgid, {"what": Text("target")})
    assert problem.message == "Empty target: every row needs one (write 0 if nothing happened, or delete the row)."
    assert problem.allowed == "a number ≥ 0" and problem.allowed_text == Text("a number ≥ 0")
    assert pickle.loads(pickle.dumps(problem)) == problem and hash(problem) == hash(pickle.loads(pickle.dumps(problem)))
    assert problem_text(text, lambda msgid: msgid.upper() if msgid == "target" else msgid).startswith("Empty TARGET:")


def test_problem_log_caps_each_column_and_sums_up_the_rest():
    log = ProblemLog("f.csv", per_column=3)
    for row in range(2, 12):
        log.add(row, "value", "x", "bad")
    log.add(5, "date", "y", "bad date")
    problems = log.finish()
    assert [p.row for p in problems if p.column == "value" and p.row] == [2, 3, 4]
    assert any(p.row == 5 and p.column == "date" for p in problems)
    summary = problems[-1]
    assert summary.row is None and "7 more problems in column 'value'" in summary.message


def test_problems_table_and_format():
    problems = [Problem("a.csv", 3, "district", "Dusi", "Unknown district 'Dusi'.", "names", ("Dusti",)),
                Problem("a.csv", None, None, None, "The file is empty.")]
    table = problems_table(problems)
    assert list(table.columns) == ["file", "row", "column", "value", "problem", "allowed", "suggestions"]
    assert table.loc[0, "suggestions"] == "Dusti" and table.loc[0, "row"] == 3
    assert table["row"].isna().tolist() == [False, True]
    text = format_problems(problems, limit=1)
    assert "a.csv, row 3, column 'district': Unknown district 'Dusi'." in text
    assert "did you mean: Dusti?" in text and "… and 1 more problems." in text
    assert format_problems([]) == "No problems found."
    assert problems_table([]).empty
    assert np.array_equal(problems_table([]).columns, table.columns)
