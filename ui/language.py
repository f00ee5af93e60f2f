"""The interface language of this run and the words and numbers shown in it: ``tr`` (the catalogs of
``data_pipeline.presentation.i18n``), numbers, dates, the demo mark, place names."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from data_pipeline.presentation import i18n
from data_pipeline.presentation.i18n import DEFAULT_LANGUAGE, LANGUAGES, translator
from data_pipeline.presentation.i18n import format_date as _format_date
from data_pipeline.reference.published import ONE_IN_N
from geo.gazetteer import PROGRAMME_DISTRICTS, REGION_GBAO, REGION_KHATLON, REGION_NAMES, district

# The URL parameter of the language (also the language switch's session-state key).

KEY_LANGUAGE = "lang"
REGION_SHORT = {REGION_KHATLON: "Khatlon", REGION_GBAO: "GBAO"}
NAME_TO_CODE = {d.name_en: d.code for d in PROGRAMME_DISTRICTS}


def current_language() -> str:
    """The interface language of this run: the sidebar's choice (``?lang=en|ru|tg``), else English."""
    lang = st.session_state.get(KEY_LANGUAGE)
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def tr(text: str) -> str:
    """``text`` (an English msgid) in the current language, from ``locales/<lang>/LC_MESSAGES/messages.po``.

    Strings with values use named placeholders, filled after translation:
    ``tr("{count} problems in {file}").format(count=3, file=name)``.
    """
    return translator(current_language())(text)


def translate_now():
    """This run's catalog as a plain function: ``tr = ui.translate_now()`` in a page.

    Streamlit (and AppTest) may call a widget's ``format_func`` outside the run, where the
    current language cannot be read; a function bound to the language stays right.
    """
    return translator(current_language())


def format_number(value: float | int | None, unit: str = "", decimals: int | None = None) -> str:
    """``i18n.format_number`` in the current language: ``6,005`` (en), ``6 005`` (ru, tg)."""
    return i18n.format_number(value, current_language(), decimals, unit)


def format_pct(value: float | None, decimals: int = 0) -> str:
    """A percentage in the current language: ``87%`` (en, tg), ``87 %`` (ru)."""
    return i18n.format_percent(value, current_language(), decimals)


def demo_mark() -> str:
    """The word a generated number carries in the current language (``data_pipeline.reference.origin``)."""
    return i18n.demo_mark(current_language())


def marked(text: str, kind: str | None) -> str:
    """``text`` (a number as shown, a column heading) with the mark of its origin ``kind``
    (``data_pipeline.reference.origin``): ``137 (demo)`` for a generated figure, unchanged otherwise."""
    return i18n.marked(text, kind, current_language())


def marked_columns(labels: dict[str, str], kind: str | None) -> dict[str, str]:
    """Column headings (``show_table``'s ``labels``) of figures of origin ``kind``, each marked."""
    return {column: marked(label, kind) for column, label in labels.items()}


def as_published(value: float, qualifier: str = "", unit: str = "") -> str:
    """A published figure as its document words it, in the current language: ``more than 2,400``,
    ``every third (1 in 3)`` for a figure in the unit ``1 in N``."""
    if unit == ONE_IN_N:
        number = tr("1 in {n}").format(n=format_number(value))
        return tr("{qualifier} ({number})").format(qualifier=tr(qualifier), number=number) if qualifier else number
    number = format_number(value, tr(unit) if unit else "")
    return f"{tr(qualifier)} {number}" if qualifier else number


def format_date(value: date | None) -> str:
    """A date in the current language: ``2020-10-31`` (en), ``31 октября 2020 г.`` (ru), ``31 Октябр 2020`` (tg).

    English keeps ISO dates: donors read them across locales, where ``10/31/20`` is ambiguous.
    """
    if value is not None and current_language() == DEFAULT_LANGUAGE:
        return value.isoformat()
    return _format_date(value, current_language())


def district_label(lang: str):
    """A widget's ``format_func`` from a district's English name (the URL's value) to its name in ``lang``."""
    return lambda name: i18n.district_name(NAME_TO_CODE[name], lang) if name in NAME_TO_CODE else name


def district_name(code: str) -> str:
    """A district's name in the current language's own script and spelling (gazetteer)."""
    return i18n.district_name(code, current_language())


def district_caption(code: str) -> str:
    """The line under a district's name: its region, its names in the other scripts, its project
    code and up to two former names (gazetteer)."""
    place = district(code)
    name = i18n.district_name(place, current_language())
    other_names = [n for n in dict.fromkeys((place.name_en, place.name_ru, place.name_tg)) if n != name]
    caption = " · ".join([region_label(place.region), *other_names, tr("project code {code}").format(code=place.code)])
    if place.former_names:
        caption += " · " + tr("formerly {names}").format(names=", ".join(place.former_names[:2]))
    return caption


def region_label(code: str) -> str:
    """A region's full name in the current language (``Khatlon Region``)."""
    return tr(REGION_NAMES.get(code, code))


def translated(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """A copy of ``frame`` with the text of ``columns`` (English msgids, e.g. indicator labels) translated."""
    return frame.assign(**{c: frame[c].map(lambda v: tr(v) if isinstance(v, str) and v else v) for c in columns})


def without_prefix(labels) -> list[str]:
    """Published labels in the current language without their prefix (``After the session: …``,
    ``Time in Russia: …``), for a table or chart whose heading says it once."""
    return [tr(label).split(": ", 1)[-1] for label in labels]
