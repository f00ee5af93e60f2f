"""Seeded activity CSVs with the variety field offices send: names in Latin and Cyrillic,
several indicators, dates in two formats, disaggregation spelled several ways, a few notes.

Files are written with pyarrow from dictionary-encoded columns, so 5 million rows take
seconds; they belong in a temporary directory, never in the repository.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from data_pipeline.reference.registry import INDICATORS
from geo.gazetteer import PROGRAMME_DISTRICTS

GENERATOR_SEED = 7
HEADER = ["date", "district", "indicator", "value", "sex", "age_group", "disability", "notes"]

# Spellings per district: English, Russian, Tajik and the aliases the gazetteer knows.
_DISTRICT_SPELLINGS = [(d.code, s) for d in PROGRAMME_DISTRICTS
                       for s in dict.fromkeys((d.name_en, d.name_ru, d.name_tg, *d.aliases[:3]))]
_INDICATOR_IDS = [i.id for i in INDICATORS]
_SEXES = ["female", "male", "F", "M", "ж", "м", "Female", ""]
_SEX_WEIGHTS = [0.25, 0.25, 0.1, 0.1, 0.1, 0.1, 0.05, 0.05]
_AGES = ["18-29", "30-44", "45-59", "60+", "0-17", "18–29", ""]
_AGE_WEIGHTS = [0.3, 0.3, 0.15, 0.05, 0.05, 0.05, 0.1]
_DISABILITY = ["no", "yes", "нет", "да", ""]
_DISABILITY_WEIGHTS = [0.6, 0.05, 0.15, 0.02, 0.18]
_NOTES = ["", "", "", "", "", "", "", "", "follow-up visit", "отчёт за месяц", "Ҳисобот", "session in mahalla"]


def _dates(rng: np.random.Generator, n: int) -> pa.DictionaryArray:
    """Days from 2017-01-01 to 2020-12-31, ISO in most rows and DD.MM.YYYY in some."""
    days = np.arange(np.datetime64("2017-01-01"), np.datetime64("2021-01-01"))
    iso = [str(d) for d in days]
    dotted = [f"{s[8:10]}.{s[5:7]}.{s[0:4]}" for s in iso]
    dictionary = pa.array(iso + dotted)
    index = rng.integers(0, len(days), n) + len(days) * (rng.random(n) < 0.2)
    return pa.DictionaryArray.from_arrays(pa.array(index.astype(np.int32)), dictionary)


def _choice(rng: np.random.Generator, values: list[str], n: int, p: list[float] | None = None) -> pa.DictionaryArray:
    index = rng.choice(len(values), size=n, p=p).astype(np.int32)
    return pa.DictionaryArray.from_arrays(pa.array(index), pa.array(values))


def activity_table(rows: int, seed: int = GENERATOR_SEED) -> pa.Table:
    """``rows`` activity records as text columns (what a field office's CSV holds)."""
    rng = np.random.default_rng(seed)
    districts = [s for _code, s in _DISTRICT_SPELLINGS]
    values = rng.integers(1, 40, rows).astype(str)
    return pa.table({
        "date": _dates(rng, rows),
        "district": _choice(rng, districts, rows),
        "indicator": _choice(rng, _INDICATOR_IDS, rows),
        "value": pa.array(values),
        "sex": _choice(rng, _SEXES, rows, _SEX_WEIGHTS),
        "age_group": _choice(rng, _AGES, rows, _AGE_WEIGHTS),
        "disability": _choice(rng, _DISABILITY, rows, _DISABILITY_WEIGHTS),
        "notes": _choice(rng, _NOTES, rows),
    })


def write_activity_csv(path: Path, rows: int, seed: int = GENERATOR_SEED) -> Path:
    """Write ``rows`` generated activity records to ``path`` as UTF-8 CSV with a header row."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    chunk = 1_000_000
    with pacsv.CSVWriter(path, pa.schema([(name, pa.string()) for name in HEADER]),
                         write_options=pacsv.WriteOptions(quoting_style="none")) as writer:
        for start in range(0, rows, chunk):
            table = activity_table(min(chunk, rows - start), seed + start)
            writer.write_table(table.cast(pa.schema([(name, pa.string()) for name in HEADER])))
    return path
