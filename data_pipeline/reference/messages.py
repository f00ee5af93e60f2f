"""The languages the product speaks, and the marker for English text kept as data.

``LANGUAGES`` is the one list of interface languages (code → the language's own name); the
catalogs (``locales/<code>/LC_MESSAGES/messages.po``), the CLI's ``--lang`` and the sidebar's
switch all follow it. ``mark`` (imported as ``_``) flags an English string that a lower layer
keeps as data (a label, a version note's template, the demo mark) so that ``pybabel extract -k _``
puts it in the catalog; it returns the text unchanged, and the presentation layer
(``data_pipeline.presentation.i18n.translator``) translates it where it is shown. This module
imports nothing, so every layer may use it.
"""

from __future__ import annotations

LANGUAGES = {"en": "English", "ru": "Русский", "tg": "Тоҷикӣ"}
"""Interface languages: code → the language's name in that language."""
DEFAULT_LANGUAGE = "en"


def mark(text: str) -> str:
    """``text`` unchanged (gettext's ``gettext_noop``): marks English text kept as data for the catalog.
    Import it as ``_``; translate where the text is shown."""
    return text
