"""Lighthouse's JSON result into the first-visit table's accessibility column and the budget (no npm, no browser)."""

from __future__ import annotations

import pytest

from benchmarks.accessibility import failing_lines, scores_table, summarise
from benchmarks.first_visit import first_visit_table
from benchmarks.report import accessibility_budgets, budgets, markdown


def lighthouse_result(score: float, failed: dict[str, list[str]]) -> dict:
    """A Lighthouse result as ``lighthouse --output=json`` writes it (the fields read), with the audits in
    ``failed`` (id → snippets of the elements) failing and a passed, a manual and a not-applicable one."""
    audits = {"document-title": {"score": 1, "scoreDisplayMode": "binary", "details": {"items": []}},
              "focus-traps": {"score": None, "scoreDisplayMode": "manual"},
              "video-caption": {"score": None, "scoreDisplayMode": "notApplicable"}}
    for audit_id, snippets in failed.items():
        audits[audit_id] = {"score": 0, "scoreDisplayMode": "binary",
                            "details": {"items": [{"node": {"snippet": s}} for s in snippets]}}
    refs = [{"id": audit_id, "weight": 0 if audit_id == "focus-traps" else 7} for audit_id in audits]
    return {"lighthouseVersion": "12.2.3", "configSettings": {"formFactor": "mobile"}, "runWarnings": [],
            "categories": {"accessibility": {"score": score, "auditRefs": refs}}, "audits": audits}


def test_a_result_becomes_its_score_and_its_failing_audits():
    report = lighthouse_result(0.9762, {"heading-order": ['<h3 id="results">', '<h3 id="plan">']})
    row = summarise(report, {"state": "notRunning", "elements": 1308})
    assert row["score"] == 98
    assert row["failing"] == [{"id": "heading-order", "weight": 7, "elements": 2,
                               "snippets": ['<h3 id="results">', '<h3 id="plan">']}]
    assert row["seen"] == {"state": "notRunning", "elements": 1308}
    assert (row["lighthouse"], row["form_factor"], row["error"]) == ("12.2.3", "mobile", None)
    assert summarise(lighthouse_result(1, {}))["failing"] == []


def scores(lowest: int) -> dict:
    def row(score, failed=()):
        return summarise(lighthouse_result(score / 100, {a: ["<h3>"] for a in failed}))
    return {"pages": {"overview": {"en": row(100), "ru": row(lowest, ["heading-order"]), "tg": row(100)},
                      "map": {"en": row(100), "ru": row(100), "tg": row(99, ["color-contrast"])}},
            "bare": row(100)}


@pytest.mark.parametrize(("lowest", "verdict"), [(95, "PASS"), (94, "FAIL")])
def test_the_budget_names_the_lowest_page_and_language(lowest, verdict):
    [budget] = accessibility_budgets(scores(lowest))
    assert budget["budget"] == "Lighthouse accessibility ≥ 95 (every page, en/ru/tg)"
    assert (budget["measured"], budget["verdict"]) == (f"lowest {lowest}: overview (ru) (bare page 100)", verdict)


def test_a_tie_is_counted_not_listed():
    tie = scores(100)
    tie["pages"]["map"]["tg"] = tie["pages"]["map"]["en"]
    assert accessibility_budgets(tie)[0]["measured"] == "lowest 100: all 6 (bare page 100)"


def test_without_lighthouse_the_budget_says_why():
    [budget] = accessibility_budgets({"error": "Lighthouse needs Node.js and npm"})
    assert budget["verdict"] == "n/a" and "Node.js" in budget["measured"]
    assert accessibility_budgets(None) == []


def test_the_first_visit_table_gains_a_score_column_and_the_failures_are_listed():
    figures = {"bytes": 1_000_000, "requests": 10, "idle_s": 2.0, "drawn_s": 3.0}
    visits = {name: {"unthrottled": figures} for name in ("bare", "overview", "map")}
    table = first_visit_table(visits, accessibility=scores(90))
    assert table[0].endswith("| Lighthouse accessibility en / ru / tg |") and table[1].count("---") == 5
    assert table[2].startswith("| bare |") and table[2].endswith("| 100 |")
    assert table[3].endswith("| 100 / 90 / 100 |") and table[4].endswith("| 100 / 100 / 99 |")
    assert first_visit_table(visits)[3].count("|") == 5  # no column without scores
    assert failing_lines(scores(90)) == ["- `color-contrast` failed on map (tg)",
                                         "- `heading-order` failed on overview (ru)"]
    assert scores_table(scores(90))[2] == "| overview | 100 | 90 | 100 |"
    results = {"meta": {"started": "2026-12-03T10:00:00", "python": "3.11", "machine": "test"},
               "first_visits": visits, "accessibility": scores(90)}
    results["budgets"] = budgets(results)
    text = markdown(results)
    assert "| Lighthouse accessibility ≥ 95 (every page, en/ru/tg) | lowest 90: overview (ru)" in text
    assert "- `heading-order` failed on overview (ru)" in text
