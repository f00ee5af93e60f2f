"""Results framework: outcome by outcome, the results the documents publish, then the outputs against targets."""

import pandas as pd
import streamlit as st

import ui
from data_pipeline.analysis.results import results_framework
from data_pipeline.reference.origin import GENERATED
from data_pipeline.reference.registry import FUNDING_OBJECTIVES, PROGRAMMES

tr = ui.translate_now()
ctx = ui.page_context()
st.title(tr("Results framework"))
ui.show_filters_summary(ctx.filters)

figures = ui.view_table(ctx.data, "results figures", lambda: results_framework(ctx.data).figures)
outputs = ui.view_table(ctx.data, "results outputs", lambda: results_framework(ctx.data).outputs)
origin = ctx.data.origin
st.caption(tr("Each outcome first shows the results its documents publish, exactly as printed and with their "
              "source: they are not recomputed from records and do not change with the filters. Its outputs "
              "follow: the indicators recorded for the filters in view against their targets, with where each "
              "target comes from."))


def target_source(row) -> str:
    """Where an output's target comes from, in words: the demo generator, the targets files, or none."""
    if row.target_origin == GENERATED:
        return tr("demo (generated, version {version})").format(version=row.target_version)
    if isinstance(row.target_origin, str):
        return tr("file: {files} (version {version})").format(files=row.target_files, version=row.target_version)
    return tr("No target recorded")


outputs_heading = tr("Outputs against their targets")
objectives = {line.objective for line in FUNDING_OBJECTIVES}
labels = {"label": tr("Output"), "value": ui.marked(tr("Recorded"), origin),
          "target": ui.marked(tr("Target"), origin), "achievement_pct": ui.marked(tr("% of target"), origin),
          "target_source": tr("Target source")}
for programme in dict.fromkeys(outputs["programme"]):
    st.header(tr(PROGRAMMES[programme]))
    shown = []
    for outcome in dict.fromkeys(outputs.loc[outputs["programme"] == programme, "outcome"]):
        heading = tr("Objective: {name}").format(name=tr(outcome)) if outcome in objectives else tr(outcome)
        published = figures[figures["outcome"] == outcome]
        # One element per outcome: its heading, its published figures, the outputs table's name (on a phone the
        # table becomes a list: it needs its name) and the table.
        lead = [f"### {ui.plain(heading)}", *([ui.published_cards_html(published, heading)] if not published.empty else []),
                f"**{ui.plain(outputs_heading)}**"]
        rows = outputs[outputs["outcome"] == outcome]
        rows = ui.translated(rows, "label").assign(target_source=[target_source(r) for r in rows.itertuples()])
        shown.append(ui.show_table(rows, labels, wide=("label",), lead="\n\n".join(lead)).assign(outcome=tr(outcome)))
    st.caption(tr("The outputs of this programme, every outcome in one table:"))
    table = pd.concat(shown, ignore_index=True).assign(source=ctx.data.source_label(tr))
    ui.downloads(table, f"results-{programme}", key=f"results_{programme}")
