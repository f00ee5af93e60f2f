"""The URL: every view is a link. Which query parameters there are, and how a widget takes its value
from the URL and writes it back."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import streamlit as st

from data_pipeline.presentation.i18n import LANGUAGES, translator
from geo.gazetteer import district
from ui.language import KEY_LANGUAGE, NAME_TO_CODE, REGION_SHORT, current_language

PROFILE_PAGE = "app_pages/district_page.py"

# URL query-parameter names of the shared filters (also the widgets' session-state keys).
KEY_REGION = "region"
KEY_DISTRICT = "district"
KEY_PROGRAMME = "programme"
KEY_YEARS = "years"
KEY_PROFILE = "profile"
FRAME_URL_KEYS = (KEY_LANGUAGE, KEY_REGION, KEY_DISTRICT, KEY_PROGRAMME, KEY_YEARS)


def any_language(labels: Callable[[Any, str], str], values: Iterable[Any]) -> Callable[[str], Any]:
    """A parser taking a value's label in any language (``labels(value, lang)``; what links made before
    the URL held codes carried) to the value; any other text passes through."""
    known = {labels(value, lang): value for value in values for lang in LANGUAGES}
    return lambda text: known.get(text, text)


_CODE_BY_LANGUAGE_LABEL = {label: code for code, label in LANGUAGES.items()}
_LANGUAGE_FROM_LABEL = lambda text: _CODE_BY_LANGUAGE_LABEL.get(text, text)  # noqa: E731  ("Русский" or "ru")
REGION_FROM_LABEL = any_language(lambda region, lang: translator(lang)(REGION_SHORT[region]), REGION_SHORT)
DISTRICT_FROM_NAME = any_language(lambda name, lang: district(NAME_TO_CODE[name]).name(lang), NAME_TO_CODE)
_WRITTEN = "_url_written"
"""Session-state key: what this session last wrote into the URL, per parameter."""
_LABELS_LANGUAGE = "_labels_language"
"""Session-state key: the language of the labels the widgets showed on the last run."""


def _url_changed(key: str) -> bool:
    """Whether ``?key=`` differs from what this session last wrote there: the reader went back or
    forward in the browser's history, or edited the address, and then the URL wins."""
    written = st.session_state.get(_WRITTEN, {})
    return key in written and st.query_params.get_all(key) != written[key]


def from_url(key: str, allowed: Sequence[Any], *, many: bool = False, parse: Callable[[str], Any] = str,
             default: Any = None) -> None:
    """Take the widget state ``key`` from ``?key=`` when the session has none yet or the URL changed
    (``_url_changed``); call it before the widget.

    Values outside ``allowed`` are ignored (a stale or mistyped link opens the default view), and so
    is a value the session holds that is no longer allowed (the options changed with the filters).
    Without a value, a single-valued widget gets ``default`` (its first option unless given), a
    multi-valued one nothing. The state is set, not deleted: the browser would keep showing (and
    send back) the widget's old value.
    """
    fallback = ([] if many else default if default is not None else allowed[0] if allowed else None)
    if key in st.session_state and not _url_changed(key):
        held = st.session_state[key]
        if many and any(v not in allowed for v in held):
            st.session_state[key] = [v for v in (_allowed(v, allowed, parse) for v in held) if v is not None]
        elif not many and held not in allowed:
            value = _allowed(held, allowed, parse)
            if value is not None or fallback is not None:
                st.session_state[key] = value if value is not None else fallback
        elif st.session_state.get(_LABELS_LANGUAGE, current_language()) != current_language():
            # Set, not kept: the frontend would go on showing the choice in the old language (ГБАО).
            st.session_state[key] = held
        return
    values = []
    for text in st.query_params.get_all(key):
        value = _allowed(text, allowed, parse)
        if value is not None and value not in values:
            values.append(value)
    if many or values:
        st.session_state[key] = values if many else values[0]
    elif fallback is not None:
        st.session_state[key] = fallback


def _allowed(value: Any, allowed: Sequence[Any], parse: Callable[[str], Any]) -> Any:
    """``value`` if allowed, else what ``parse`` makes of it if that is allowed, else None. A held value
    can be a label: after a step back in the browser's history the frontend sends back the label it
    showed (``ГБАО``), in the language of the step left behind."""
    if value in allowed:
        return value
    try:
        parsed = parse(value) if isinstance(value, str) else value
    except ValueError:
        return None
    return parsed if parsed in allowed else None


def keep_in_url(key: str, value: Any, default: Any) -> None:
    """``?key=value`` in the URL (one parameter per item of a list), or none when ``value`` is ``default``."""
    if isinstance(value, tuple):  # a range slider's (start, end)
        value, default = list(value), list(default)
    text = ([] if value == default or value in (None, []) else
            [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)])
    if st.query_params.get_all(key) != text:
        if text:
            st.query_params[key] = text
        else:
            del st.query_params[key]
    st.session_state.setdefault(_WRITTEN, {})[key] = text


def view_tabs(views: dict[str, str], key: str = "view") -> tuple[str, Any]:
    """Tabs of which only the open one is drawn (``views``: code → translated label). Returns the open
    view's code and its container: draw that view ``with`` it. A filter change then redraws one
    view, not all of them (benchmarks/PROFILE.md, round 5). The code is kept in the URL
    (``?view=table``), so a link opens that tab in any language."""
    codes = list(views)
    from_url(key, codes)
    tab_key = f"{key}_tab"

    def follow_the_tab() -> None:  # runs before the script: the code follows the clicked label
        label = st.session_state[tab_key]
        st.session_state[key] = next((code for code in codes if views[code] == label), codes[0])

    # The tab shown follows the code, which comes from links and survives a language change.
    st.session_state[tab_key] = views[st.session_state[key]]
    tabs = st.tabs(list(views.values()), key=tab_key, on_change=follow_the_tab)
    view = st.session_state[key]
    keep_in_url(key, view, codes[0])
    return view, tabs[codes.index(view)]


def language_from_url() -> None:
    """Take the language from ``?lang=`` (the frame calls this first, before anything is translated)."""
    from_url(KEY_LANGUAGE, list(LANGUAGES), parse=_LANGUAGE_FROM_LABEL)


def labels_shown() -> None:
    """Note the language the widgets' labels were shown in (the frame calls this after every run, also
    one ended by ``st.stop``): on a language change, ``from_url`` sends each choice back to be shown
    in the new language."""
    st.session_state[_LABELS_LANGUAGE] = current_language()
