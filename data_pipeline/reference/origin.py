"""Where a number comes from, kept as data and turned into words only where it is shown.

Four kinds of figure:

- ``published``: printed in a source document (``data_pipeline.reference.published``), shown with its citation;
- ``generated``: made by the demo generator (``data_pipeline.analysis.demo``): district records, targets,
  funding received, and anything worked out from them (% of target, coverage, gap);
- ``uploaded``: from a file an editor published (its name is in the ``source`` column);
- ``computed``: worked out by this product from published figures (a margin of error, a cost per
  person, a share), shown with how.

A generated number carries the *demo mark* wherever it is shown: ``137 (demo)`` beside a number
(cards, metrics, tooltips, chart hovers), ``Target (demo)`` on a table column or a chart whose
numbers are all generated, and ``demo (generated, version 3)`` in a ``source`` column. The mark is
the one word ``demo`` in every language (``демо``, ``намоишӣ``), so a reader — and a test — can
tell a generated number from a published one at a glance.
"""

from __future__ import annotations

from data_pipeline.reference.messages import mark as _

PUBLISHED = "published"
GENERATED = "generated"
UPLOADED = "uploaded"
COMPUTED = "computed"

DEMO_MARK = _("demo")
"""The word a generated number carries, translated where shown (``демо``, ``намоишӣ``):
``data_pipeline.presentation.i18n.marked`` adds it to a generated figure."""
