"""The URL: every view is a link. Each query parameter is declared once (``UrlParam``: key, allowed
values, parse, default); ``url_widget`` reads it, draws its widget and writes it back; ``URLS`` holds
every parameter and builds the links to other pages.

Streamlit's ``bind="query-params"`` puts a widget's *displayed* label in the URL, so a link made in
Russian (``?region=ГБАО``) would mean nothing in English. The URL keeps codes and English names
instead: a widget takes its value from the URL when it first appears in a session, or when the URL
changed under it (the browser's back and forward buttons, an edited address), and the value goes back
into the URL after every run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from data_pipeline.presentation.i18n import DEFAULT_LANGUAGE, LANGUAGES, district_name, translator
from data_pipeline.reference.registry import PROGRAMME_PERIODS, PROGRAMMES, indicator, indicators_for
from data_pipeline.reference.schemas import DISAGGREGATIONS
from geo.gazetteer import PROGRAMME_DISTRICTS, REGION_GBAO, REGION_KHATLON
from ui.language import KEY_LANGUAGE, NAME_TO_CODE, REGION_SHORT, current_language
from ui.urls import APP_URLS

PROFILE_PAGE = "app_pages/district_page.py"
SOURCES_PAGE_URL = "/sources"

_WRITTEN = "_url_written"
"""Session-state key: what this session last wrote into the URL, per parameter."""
_SHOWN_IN = "_url_shown_in"
"""Session-state key: the language each URL widget's labels were last shown in, per parameter."""


@dataclass(frozen=True)
class UrlParam:
    """One query parameter, declared once; its ``key`` is also its widget's session-state key.

    ``allowed``: the values a link may carry (or a function giving them); a page may narrow them for
    a run (the districts of the chosen regions). ``parse`` turns other text into a value: a label in
    any language, which links made before the URL held codes carried, and which the frontend sends
    back after a step in the browser's history. ``default``: the value without a link, never written
    into the URL (``None``: the first allowed value; nothing for ``many``; the whole range for ``span``).
    ``many``: one URL value per item; ``span``: a (start, end) range (two URL values); ``always``: in
    the URL even at its default (a profile link names its district).
    """

    key: str
    allowed: Sequence[Any] | Callable[[], Sequence[Any]] = ()
    parse: Callable[[str], Any] = str
    default: Any = None
    many: bool = False
    span: bool = False
    always: bool = False

    def options(self, narrowed: Iterable[Any] | None = None) -> list[Any]:
        """The allowed values of this run: ``narrowed`` when given, else the declared ones."""
        if narrowed is not None:
            return list(narrowed)
        return list(self.allowed() if callable(self.allowed) else self.allowed)

    def fallback(self, options: Sequence[Any], default: Any = None) -> Any:
        """The value without a link: ``default`` (a run's own), the declared one, else as the class says."""
        if default is not None:
            return default
        if self.default is not None:
            return self.default
        if self.span:
            return (options[0], options[-1]) if options else None
        return [] if self.many else options[0] if options else None

    def accept(self, value: Any, options: Sequence[Any]) -> Any:
        """``value`` if allowed, else what ``parse`` makes of it if that is allowed, else None."""
        if value in options:
            return value
        try:
            parsed = self.parse(value) if isinstance(value, str) else value
        except ValueError:
            return None
        return parsed if parsed in options else None

    def from_texts(self, texts: Iterable[str], options: Sequence[Any], default: Any) -> Any:
        """The value a link's ``?key=`` texts give: the allowed ones (a stale or mistyped link opens
        the default view), without repeats."""
        values = []
        for text in texts:
            value = self.accept(text, options)
            if value is not None and value not in values:
                values.append(value)
        return self._shaped(values, default)

    def revalidated(self, held: Any, options: Sequence[Any], default: Any) -> Any:
        """The value the session holds, kept if still allowed (the options change with the filters)."""
        if self.many or self.span:
            held = list(held or [])
            if all(v in options for v in held):
                return self._shaped(held, default) if self.span else held
            return self._shaped([v for v in (self.accept(v, options) for v in held) if v is not None], default)
        if held in options:
            return held
        value = self.accept(held, options)
        return value if value is not None else default

    def _shaped(self, values: list[Any], default: Any) -> Any:
        if self.span:  # no link, half a link (one year), or a span the data has no longer
            return (min(values), max(values)) if values else default
        return values if self.many else values[0] if values else default

    def texts(self, value: Any, default: Any) -> list[str]:
        """What ``?key=`` holds for ``value``: nothing at the default (unless ``always``), one text per item."""
        if (value == default and not self.always) or value in (None, [], ()):
            return []
        return [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]


def any_language(labels: Callable[[Any, str], str], values: Iterable[Any]) -> Callable[[str], Any]:
    """A parser taking a value's label in any language (``labels(value, lang)``) to the value; any
    other text passes through."""
    known = {labels(value, lang): value for value in values for lang in LANGUAGES}
    return lambda text: known.get(text, text)


def mode_labels(tr: Callable[[str], str]) -> dict[str, str]:
    """What the map shows, each with its label in ``tr``'s language."""
    return {"value": tr("Value"), "pct": tr("Percent of target")}


ALL_PROGRAMMES = "all"
# The labels are what the URL carries (?programme=TAJIRRB): short, and typeable.
PROGRAMME_LABELS = {ALL_PROGRAMMES: "All programmes", **{code: code for code in PROGRAMMES}}
_CODE_BY_LANGUAGE_LABEL = {label: code for code, label in LANGUAGES.items()}
_MAPPABLE = [i.id for i in indicators_for(None, mappable=True)]
_DISTRICT_NAMES = [d.name_en for d in PROGRAMME_DISTRICTS]

LANGUAGE = UrlParam(KEY_LANGUAGE, list(LANGUAGES), default=DEFAULT_LANGUAGE,
                    parse=lambda text: _CODE_BY_LANGUAGE_LABEL.get(text, text))  # "Русский" or "ru"
REGION = UrlParam("region", [REGION_KHATLON, REGION_GBAO], many=True,
                  parse=any_language(lambda region, lang: translator(lang)(REGION_SHORT[region]), REGION_SHORT))
DISTRICT = UrlParam("district", _DISTRICT_NAMES, many=True,  # English names: ?district=Vanj
                    parse=any_language(lambda name, lang: district_name(NAME_TO_CODE[name], lang), NAME_TO_CODE))
PROGRAMME = UrlParam("programme", list(PROGRAMME_LABELS), default=ALL_PROGRAMMES)
YEARS = UrlParam("years", range(min(p[0] for p in PROGRAMME_PERIODS.values()),
                                max(p[1] for p in PROGRAMME_PERIODS.values()) + 1), parse=int, span=True)
PROFILE = UrlParam("profile", _DISTRICT_NAMES, parse=DISTRICT.parse, always=True)
# ?indicator=jobs_created&mode=pct: ids, the same in every language.
INDICATOR = UrlParam("indicator", _MAPPABLE,
                     parse=any_language(lambda i, lang: translator(lang)(indicator(i).label), _MAPPABLE))
MODE = UrlParam("mode", ["value", "pct"],
                parse=any_language(lambda mode, lang: mode_labels(translator(lang))[mode], ["value", "pct"]))
VIEW = UrlParam("view")  # a page's tabs: each page gives its own views
BY = UrlParam("by", list(DISAGGREGATIONS))  # the District profile's breakdown tabs
# ?period=quarter: the Reach and trends page's period granularity (its label in any language is accepted too).
PERIOD = UrlParam("period", ["year", "quarter", "month"], default="year",
                  parse=any_language(lambda period, lang: translator(lang)(period), ["year", "quarter", "month"]))


class Urls:
    """Every query parameter of the dashboard, and the links to its pages built from them."""

    def __init__(self, *params: UrlParam, frame: Sequence[UrlParam] = ()) -> None:
        self.params = {param.key: param for param in params}
        self.frame = tuple(frame)  # what a link to another page keeps from the URL: language and filters

    def link(self, path: str, *, anchor: str = "", **values: Any) -> str:
        """A link to the page at ``path`` with ``values`` (by parameter key), in the current language, under
        the server's base path: ``/sources?lang=ru&view=documents#doc-crp-2020``. Built from codes, never
        from data."""
        values = {LANGUAGE.key: current_language(), **values}
        pairs = []
        for key, value in values.items():
            param = self.params[key]
            pairs += [(key, text) for text in param.texts(value, param.fallback(param.options()))]
        return APP_URLS.path(path) + (f"?{urlencode(pairs)}" if pairs else "") + (f"#{anchor}" if anchor else "")

    def switch_query(self, **values: Any) -> dict[str, list[str]]:
        """The query parameters for ``st.switch_page`` with ``values``: the frame's are passed along as
        the URL holds them (``switch_page`` sets the URL to exactly these)."""
        kept = {p.key: st.query_params.get_all(p.key) for p in self.frame if p.key in st.query_params}
        for key, value in values.items():
            param = self.params[key]
            kept[key] = param.texts(value, param.fallback(param.options()))
        return kept


URLS = Urls(LANGUAGE, REGION, DISTRICT, PROGRAMME, YEARS, PROFILE, INDICATOR, MODE, VIEW, BY, PERIOD,
            frame=(LANGUAGE, REGION, DISTRICT, PROGRAMME, YEARS))


def _url_changed(key: str) -> bool:
    """Whether ``?key=`` differs from what this session last wrote there: the reader went back or
    forward in the browser's history, or edited the address, and then the URL wins."""
    written = st.session_state.get(_WRITTEN, {})
    return key in written and st.query_params.get_all(key) != written[key]


def read_url(param: UrlParam, options: Sequence[Any] | None = None, default: Any = None) -> Any:
    """Set the widget state of ``param`` from the URL when the session has none yet or the URL changed,
    else keep the session's value if still allowed; returns the value. Without ``options`` and
    ``default``, the declared ones.

    The state is set, not deleted: the browser would keep showing (and send back) the widget's old
    value. After a language change it is set again though unchanged: the frontend would go on showing
    the choice in the old language (ГБАО).
    """
    options = param.options(options)
    default = param.fallback(options, default)
    key = param.key
    if key in st.session_state and not _url_changed(key):
        held = st.session_state[key]
        value = param.revalidated(held, options, default)
        relabel = st.session_state.get(_SHOWN_IN, {}).get(key, current_language()) != current_language()
        if value is not None and (value != held or relabel):
            st.session_state[key] = value
        return st.session_state[key]
    value = param.from_texts(st.query_params.get_all(key), options, default)
    if value is not None:
        st.session_state[key] = value
    return value


def write_url(param: UrlParam, value: Any, default: Any) -> None:
    """``?key=value`` in the URL (one parameter per item), or none at the default; noted as written,
    and the widget's labels as shown in the current language."""
    text = param.texts(value, default)
    if st.query_params.get_all(param.key) != text:
        if text:
            st.query_params[param.key] = text
        else:
            del st.query_params[param.key]
    st.session_state.setdefault(_WRITTEN, {})[param.key] = text
    st.session_state.setdefault(_SHOWN_IN, {})[param.key] = current_language()


def url_widget(param: UrlParam, draw: Callable[..., Any], label: str, *, options: Iterable[Any] | None = None,
               default: Any = None, **kwargs: Any) -> Any:
    """The widget of ``param``, drawn by ``draw`` (``st.selectbox``, ``st.sidebar.multiselect``, a
    column's ``radio``; ``slider`` for a span) with ``label`` and ``kwargs``, its value taken from the
    URL and written back; returns the value. ``options`` narrows the allowed values for this run,
    ``default`` replaces the declared one for this run."""
    options = param.options(options)
    default = param.fallback(options, default)
    read_url(param, options, default)
    if param.span:
        value = draw(label, options[0], options[-1], key=param.key, **kwargs)
    else:
        value = draw(label, options, key=param.key, **kwargs)
    write_url(param, value, default)
    return value


def view_tabs(views: dict[str, str], param: UrlParam = VIEW) -> tuple[str, Any]:
    """Tabs of which only the open one is drawn (``views``: code → translated label). Returns the open
    view's code and its container: draw that view ``with`` it. A filter change then redraws one
    view, not all of them (benchmarks/PROFILE.md, round 5). The code is kept in the URL
    (``?view=table``), so a link opens that tab in any language."""
    codes = list(views)
    key, tab_key = param.key, f"{param.key}_tab"
    read_url(param, codes)

    def follow_the_tab() -> None:  # runs before the script: the code follows the clicked label
        label = st.session_state[tab_key]
        st.session_state[key] = next((code for code in codes if views[code] == label), codes[0])

    # The tab shown follows the code, which comes from links and survives a language change.
    st.session_state[tab_key] = views[st.session_state[key]]
    tabs = st.tabs(list(views.values()), key=tab_key, on_change=follow_the_tab)
    view = st.session_state[key]
    write_url(param, view, codes[0])
    return view, tabs[codes.index(view)]
