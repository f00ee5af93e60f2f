"""Commands on files and versions: ``validate``, ``ingest``, ``demo``, ``versions``, ``rollback``, ``withdraw``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable, Sequence

from data_pipeline.cli.output import EXIT_BAD_INPUT, EXIT_OK, CliError, printable

def _progress(enabled: bool) -> Callable[[str, float], None] | None:
    """A tqdm progress bar on stderr when it is a terminal."""
    if not enabled:
        return None
    from tqdm import tqdm

    bars: dict[str, tqdm] = {}

    def update(stage: str, fraction: float) -> None:
        bar = bars.get(stage)
        if bar is None:
            bar = bars[stage] = tqdm(total=100, desc=stage, unit="%", file=sys.stderr, leave=False)
        bar.update(max(0, round(fraction * 100) - bar.n))
        if fraction >= 1:
            bar.close()

    return update


def _read(paths: Sequence[str], show_progress: bool, sink=None):
    """Each file read and checked in batches (``ingest.stream_table``): an activities file's records go to
    ``sink(file_name)``'s sink a batch at a time (by default, nowhere: ``validate``)."""
    from data_pipeline.ingest.stream import DiscardBatches, stream_table

    results = []
    for path in paths:
        if not Path(path).is_file():
            raise CliError(f"No such file: {path}. Give the path of a CSV or XLSX file.")
        batches = sink(Path(path).name) if sink else DiscardBatches()
        results.append((stream_table(path, batches, progress=_progress(show_progress)), batches))
    return results


def _print_problems(results) -> bool:
    bad = [r for r in results if not r.ok]
    if bad:  # the words (and babel) only for a file with problems
        from data_pipeline.presentation.problems import format_problems
    for result in bad:
        print(f"{printable(result.file_name)}: {len(result.problems)} problem(s); nothing was stored.",
              file=sys.stderr)
        print(printable(format_problems(result.problems), lines=True), file=sys.stderr)
    return not bad


def cmd_validate(args) -> int:
    results = [result for result, _batches in _read(args.files, sys.stderr.isatty())]
    if not _print_problems(results):
        return EXIT_BAD_INPUT
    for result in results:
        print(f"{printable(result.file_name)}: valid {result.kind} table, {result.row_count} row(s).")
    return EXIT_OK


def cmd_ingest(args) -> int:
    from data_pipeline.store import Store, SubmissionInput
    from data_pipeline.store.parts import RecordParts

    read = _read(args.files, sys.stderr.isatty(), sink=RecordParts)
    try:
        return _ingest(args, read, Store, SubmissionInput)
    finally:
        for _result, parts in read:
            parts.close()


def _ingest(args, read, Store, SubmissionInput) -> int:
    from data_pipeline.analysis.publish_plan import plan_publish

    results = [result for result, _parts in read]
    if not _print_problems(results):
        return EXIT_BAD_INPUT
    with Store(args.store_url) as store:
        submissions = [SubmissionInput(r.file_name, r.sha256, r.kind, r.frame, is_demo=False, uploaded_by=args.user,
                                       parts=parts if r.streamed else None)
                       for r, parts in read]
        plan = plan_publish(store, submissions)
        if plan.repeated_count and not args.allow_repeated:
            print(f"Repeated records, the first of {plan.repeated_count}:\n{printable(_repeated(plan), lines=True)}",
                  file=sys.stderr)
            raise CliError(f"{plan.repeated_count} record(s) repeat records already published or in another of "
                           f"these files (same date, district, indicator and breakdown); nothing was stored. If "
                           f"they are new records, run again with --allow-repeated; if a file replaces one already "
                           f"published, withdraw that one first (`python -m data_pipeline versions` lists the ids).")
        outcome = store.publish(submissions, created_by=args.user, note=args.note or "")
    checks = {(check.file_name, check.sha256): check for check in plan.files}
    for sub in outcome.added:
        same_name = checks[sub.file_name, sub.sha256].same_name
        if same_name:
            old = same_name[-1]
            print(f"warning: {printable(sub.file_name)} was already published with other content "
                  f"(submission {old.id}); both are now counted. If the new file replaces it, run "
                  f"`python -m data_pipeline withdraw {old.id}`.", file=sys.stderr)
    for name in outcome.duplicates:
        print(f"{printable(name)}: already in the active version; not counted again.")
    if outcome.version is None:
        print("Nothing changed: every file is already in the active version.")
        return EXIT_OK
    for sub in outcome.added:
        print(f"{printable(sub.file_name)}: {sub.row_count} {sub.kind} row(s) added.")
    print(f"Version {outcome.version.id} is now active.")
    return EXIT_OK


def _repeated(plan, limit: int = 5) -> str:
    """The plan's first ``limit`` repeated records on one line each."""
    from geo.gazetteer import district

    lines = []
    for row in plan.repeated.head(limit).itertuples(index=False):
        breakdown = ", ".join(v for v in (row.sex, row.age_group, row.disability) if v)
        lines.append(f"  {row.file} row {row.row}: {row.date:%Y-%m-%d} {district(row.district_code).name_en} "
                     f"{row.indicator}" + (f" ({breakdown})" if breakdown else "")
                     + f" = {row.value:g}, as in {row.repeats}")
    return "\n".join(lines)


def cmd_demo(args) -> int:
    from data_pipeline.analysis.demo import load_demo

    active_before = _active_id(args.store_url)
    version = load_demo(args.store_url, seed=args.seed, if_empty=args.if_empty)
    if version is not None and version.id == active_before:
        print(f"Version {version.id} is already active; demo data not reloaded.")
    else:
        print(f"Demo data loaded as version {version.id} (marked demo; district figures are generated).")
    return EXIT_OK


def _active_id(store_url: str) -> int | None:
    from data_pipeline.store import Store

    with Store(store_url) as store:
        active = store.active_version()
        return active.id if active else None


def cmd_versions(args) -> int:
    from data_pipeline.presentation.versions import note_text
    from data_pipeline.store import Store

    with Store(args.store_url) as store:
        versions = store.versions()
    if not versions:
        print("No versions yet. Load the demo (`python -m data_pipeline demo`) or ingest a file.", file=sys.stderr)
        return EXIT_OK
    for v in versions:
        files = ", ".join(f"{printable(s.file_name)} [submission {s.id}]" for s in v.submissions) or "(empty)"
        rows = sum(s.row_count for s in v.submissions)
        print(f"{v.id}\t{'*active*' if v.active else ''}\t{v.created_at:%Y-%m-%d %H:%M}\t{printable(v.created_by)}\t"
              f"{'demo' if v.is_demo else 'real'}\t{rows} rows\t{files}\t{printable(note_text(v.note))}")
    return EXIT_OK


def cmd_rollback(args) -> int:
    from data_pipeline.store import Store

    with Store(args.store_url) as store:
        version = store.rollback(args.version, created_by=args.user)
    print(f"Version {version.id} is now active, with the data of version {args.version}.")
    return EXIT_OK


def cmd_withdraw(args) -> int:
    from data_pipeline.store import Store

    with Store(args.store_url) as store:
        version = store.withdraw(args.submission, created_by=args.user)
    print(f"Version {version.id} is now active, without submission {args.submission}.")
    return EXIT_OK
