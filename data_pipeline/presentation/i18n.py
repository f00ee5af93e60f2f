"""Interface languages: gettext catalogs (``locales/<lang>/LC_MESSAGES/messages.po``) and
locale-aware formatting of numbers, percentages and dates (Babel).

Catalogs are read from the ``.po`` files directly (no compiled ``.mo`` to keep in step),
so a translator edits one text file and the dashboard picks it up on restart. A message
without a translation falls back to English.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path
from typing import Callable

from babel.dates import format_date as _babel_date
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LANGUAGES = {"en": "English", "ru": "Русский", "tg": "Тоҷикӣ"}
DEFAULT_LANGUAGE = "en"
LOCALES_DIR = Path(__file__).resolve().parents[2] / "locales"
DOMAIN = "messages"


def check_language(lang: str) -> str:
    """``lang`` if it is a supported language code; ``ValueError`` naming the choices otherwise."""
    if lang not in LANGUAGES:
        raise ValueError(f"Unknown language {lang!r}; use one of {', '.join(LANGUAGES)}.")
    return lang


def catalog_path(lang: str) -> Path:
    return LOCALES_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=None)
def _messages(lang: str) -> dict[str, str]:
    path = catalog_path(lang)
    if lang == DEFAULT_LANGUAGE or not path.exists():
        return {}
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    return {m.id: m.string for m in catalog if m.id and isinstance(m.id, str) and m.string and not m.fuzzy}


def translator(lang: str) -> Callable[[str], str]:
    """A gettext-style function for ``lang``: ``_("Map")`` → ``"Карта"``."""
    messages = _messages(check_language(lang))
    return lambda text: messages.get(text, text)


def mark(template: str) -> str:
    """``template`` unchanged: marks English text the code stores (version notes, citations) for the
    catalog. Import it as ``_`` (``pybabel extract -k _`` finds the calls); translate where it is shown."""
    return template


def round_half_up(value: float | Decimal, decimals: int) -> Decimal:
    """``value`` rounded to ``decimals`` as printed reports do: 54.5 → 55 (Python and Babel round
    half to even, 54). Every number the dashboard shows is rounded by this one rule."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


MISSING = "–"  # a missing number or date, in every language


def format_number(value: float | None, lang: str = DEFAULT_LANGUAGE, decimals: int = 0) -> str:
    """``6005`` → ``6,005`` (en) or ``6 005`` (ru, tg), rounded half up; ``–`` for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(round_half_up(value, decimals), format=pattern, locale=check_language(lang))


def format_percent(value: float | None, lang: str = DEFAULT_LANGUAGE, decimals: int = 0) -> str:
    """A percentage already on the 0–100 scale: ``45.6`` → ``46%`` (en) or ``46 %`` (ru)."""
    number = format_number(value, lang, decimals)
    if number == MISSING:
        return number
    return f"{number}%" if lang != "ru" else f"{number}\u00a0%"


def format_date(value: date | None, lang: str = DEFAULT_LANGUAGE) -> str:
    """``2020-10-31`` → ``31 October 2020`` / ``31 октября 2020 г.`` / ``31 Октябр 2020``."""
    if value is None:
        return MISSING
    return _babel_date(value, format="long", locale=check_language(lang))


# --- messages that live in data, not in code ---------------------------------------------------

DATA_MESSAGES_FILE = LOCALES_DIR / "data_messages.py"
"""Generated: every display string that the code takes from data tables (indicator labels,
programme and objective names, published-figure labels, categories), written as ``_("…")``
lines so that ``pybabel extract`` puts them in the catalog with the code's own strings."""

# Words validation messages take as values (see data_pipeline.ingest.validate.Message).
_VALIDATION_WORDS = ("value", "Value", "target", "Target", "amount required", "Amount required",
                     "amount received", "Amount received", "sex", "age_group", "disability",
                     "activities", "targets", "funding")


def data_messages() -> list[str]:
    """The display strings the dashboard, charts and briefing translate from data, in a stable order."""
    from data_pipeline.presentation import briefing
    from data_pipeline.analysis.aggregate import PERIODS
    from data_pipeline.reference.published import PUBLISHED_FIGURES
    from data_pipeline.analysis.reconcile import STATUS_CONSISTENT, STATUS_DIFFERS, STATUS_MATCH, STATUS_NO_RECORDS
    from data_pipeline.reference.registry import FUNDING_LINES, FUNDING_OBJECTIVES, INDICATORS, PROGRAMMES
    from data_pipeline.reference.schemas import DISABILITY, SEXES
    from geo.gazetteer import REGION_GBAO, REGION_KHATLON, REGION_NAMES

    texts: list[str] = []
    for entry in INDICATORS:
        texts += [entry.label, entry.unit, entry.description, entry.outcome]
    texts += list(PROGRAMMES.values()) + ["All programmes"]
    for line in FUNDING_LINES + FUNDING_OBJECTIVES:
        texts += [line.objective, line.component or ""]
    texts += [REGION_KHATLON, REGION_GBAO, *REGION_NAMES.values()]
    texts += [p for p in PERIODS]
    texts += [*SEXES, *DISABILITY, "not stated"]
    texts += [STATUS_MATCH, STATUS_CONSISTENT, STATUS_DIFFERS, STATUS_NO_RECORDS]
    for figure in PUBLISHED_FIGURES:
        texts += [figure.label, figure.qualifier, figure.unit]
    texts += list(_VALIDATION_WORDS)
    texts += [briefing.TITLE, briefing.ORGANISATION, briefing.DEMO_BANNER, briefing.DEMO_WATERMARK]
    # Units and symbols that read the same in every language stay out of the catalog.
    return [t for t in dict.fromkeys(texts) if t and t not in ("%", "USD")]


def data_messages_source() -> str:
    """The text of ``locales/data_messages.py`` for the current registry and catalogue."""
    lines = ['"""Generated by `python -m data_pipeline.presentation.i18n`: display strings that come from data',
             "(registry, published figures, categories), for `pybabel extract`. Do not edit by hand.",
             '"""', "", "", "def _(text):", "    return text", "", "", "MESSAGES = ["]
    lines += [f"    _({text!r})," for text in data_messages()]
    lines += ["]", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    DATA_MESSAGES_FILE.write_text(data_messages_source(), encoding="utf-8")
    print(f"Wrote {len(data_messages())} messages to {DATA_MESSAGES_FILE}.")
