"""Problems found in input files, in words: a table for the Upload page and lines for a terminal.

``data_pipeline.ingest`` reports each ``Problem`` as facts (a msgid and its values); this module
turns them into text in a language through the one translator (``i18n.translator``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pandas as pd

from data_pipeline.ingest.problems import Problem, Text
from data_pipeline.presentation.i18n import DEFAULT_LANGUAGE, translator

PROBLEM_TABLE_COLUMNS = ["file", "row", "column", "value", "problem", "allowed", "suggestions"]


def problem_text(text: Text | str, translate: Callable[[str], str]) -> str:
    """``text`` in words through ``translate``: the translation of its msgid filled with its values
    (a value that is a ``Text`` translated too). A translation whose placeholders do not fit falls
    back to English rather than failing."""
    if not isinstance(text, Text):
        return translate(text) if text else text
    if not text.params:
        return translate(text.msgid) if text.msgid else text.msgid
    params = {k: problem_text(v, translate) if isinstance(v, Text) else v for k, v in text.params.items()}
    try:
        return translate(text.msgid).format(**params)
    except (KeyError, IndexError, ValueError):
        return text.msgid.format(**params)


def problems_table(problems: Iterable[Problem], lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """The problems as a table (file, row, column, value, problem, allowed, suggestions),
    the problem and allowed texts in ``lang`` (``en``, ``ru``, ``tg``)."""
    translate = translator(lang)
    rows = [
        {
            "file": p.file,
            "row": p.row,
            "column": p.column,
            "value": p.value,
            "problem": problem_text(p.text, translate),
            "allowed": problem_text(p.allowed_text, translate),
            "suggestions": ", ".join(p.suggestions),
        }
        for p in problems
    ]
    table = pd.DataFrame(rows, columns=PROBLEM_TABLE_COLUMNS)
    table["row"] = table["row"].astype("Int64")
    return table


def format_problems(problems: Iterable[Problem], limit: int = 50, lang: str = DEFAULT_LANGUAGE) -> str:
    """The problems as readable lines for a terminal, at most ``limit`` of them, in ``lang``."""
    tr = translator(lang)
    problems = list(problems)
    if not problems:
        return tr("No problems found.")
    lines = []
    for p in problems[:limit]:
        where = p.file
        if p.row is not None:
            where += tr(", row {row}").format(row=p.row)
        if p.column:
            where += tr(", column {column}").format(column=repr(p.column))
        text = f"{where}: {problem_text(p.text, tr)}"
        if p.value is not None and p.value != "" and repr(p.value) not in p.message:
            text += tr(" (value: {value})").format(value=repr(p.value))
        if p.allowed:
            text += "\n    " + tr("allowed: {allowed}").format(allowed=problem_text(p.allowed_text, tr))
        if p.suggestions:
            text += "\n    " + tr("did you mean: {suggestions}?").format(suggestions=", ".join(p.suggestions))
        lines.append(text)
    if len(problems) > limit:
        lines.append(tr("… and {count} more problems.").format(count=len(problems) - limit))
    heading = tr("1 problem:") if len(problems) == 1 else tr("{count} problems:").format(count=len(problems))
    return heading + "\n" + "\n".join(lines)
