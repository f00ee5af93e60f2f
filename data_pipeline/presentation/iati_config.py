"""What only the organisation knows for its IATI file: identifiers, status, dates, the funder. Read from a
small TOML file (``DASHBOARD_IATI_CONFIG``, default ``iati.toml`` at the repository root; see
``iati.example.toml``), every value with a documented default; ``IatiConfig.defaults`` lists the values
that came from the defaults, and the IATI file says so.

Defaults (``DEFAULTS``): reporting organisation IOM (``XM-DAC-47066``, type 40 multilateral); per
programme an identifier ``XM-DAC-47066-TJ-<PROGRAMME>``, status 4 (closed), planned start 1 January of
the programme's first year and planned end 31 December of its last (``registry.PROGRAMME_PERIODS``), no
actual dates, and for TAJIRRB the UK government as funder by name (no IATI identifier: which department's
identifier applies is for the organisation to say).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from data_pipeline.reference.registry import PROGRAMME_CRP2020, PROGRAMME_PERIODS, PROGRAMME_TAJIRRB, PROGRAMMES

IOM_REF = "XM-DAC-47066"
"""IOM's IATI organisation identifier (OECD DAC channel code 47066)."""
ACTIVITY_STATUSES = {"1": "Pipeline/identification", "2": "Implementation", "3": "Finalisation", "4": "Closed",
                     "5": "Cancelled", "6": "Suspended"}
DATE_KEYS = ("planned_start", "actual_start", "planned_end", "actual_end")
DESCRIPTIONS = {
    PROGRAMME_TAJIRRB: "Tajik-Afghan Integration, Resilience and Reform Building Programme (2016–2020), funded by "
                       "the UK government and implemented by IOM in 16 districts of Khatlon and GBAO along the "
                       "Afghan border. Objective: increased resilience to crime and conflict amongst migrants in "
                       "communities near the Tajik/Afghan border, through a stronger border, increased employment "
                       "and income, and reduced grievances.",
    PROGRAMME_CRP2020: "IOM Tajikistan Crisis Response Plan 2020: driving solutions to displacement, and "
                       "strengthening preparedness and reducing disaster risk, in the border districts of Khatlon "
                       "and GBAO.",
}
FUNDERS = {PROGRAMME_TAJIRRB: ("", "Government of the United Kingdom", "10")}


def _programme_defaults(programme: str) -> dict[str, str]:
    first, last = PROGRAMME_PERIODS[programme]
    ref, name, kind = FUNDERS.get(programme, ("", "", ""))
    return {"iati_identifier": f"{IOM_REF}-TJ-{programme}", "title": PROGRAMMES[programme],
            "description": DESCRIPTIONS[programme], "status": "4", "planned_start": f"{first}-01-01",
            "planned_end": f"{last}-12-31", "actual_start": "", "actual_end": "", "funding_org_ref": ref,
            "funding_org_name": name, "funding_org_type": kind}


ORGANISATION_KNOWS = ("iati_identifier", "status", "planned_start", "planned_end", "funding_org_ref",
                      "funding_org_name", "funding_org_type")
"""The keys whose default is a guess only the organisation can confirm: the export lists those left at their
default (titles, descriptions and IOM's own identifier are the documents' and the issue's facts)."""

DEFAULTS: dict[str, dict[str, str]] = {
    "organisation": {"ref": IOM_REF, "name": "International Organization for Migration", "type": "40"},
    **{programme: _programme_defaults(programme) for programme in PROGRAMMES},
}
"""Every key the config file may set, by section (``organisation`` and one per programme id), with its default."""


@dataclass(frozen=True)
class IatiConfig:
    """The settings per section, and ``defaults``: the ``section.key`` names whose value is the default."""

    values: dict[str, dict[str, str]]
    defaults: tuple[str, ...] = ()
    source: str = "defaults"
    """The file read, or ``defaults`` when none was."""
    notes: tuple[str, ...] = field(default=())

    def programme(self, programme: str) -> dict[str, str]:
        return self.values[programme]

    @property
    def organisation(self) -> dict[str, str]:
        return self.values["organisation"]

    def defaults_of(self, section: str) -> list[str]:
        """The keys of ``section`` left at a default only the organisation can confirm, e.g. ``iati_identifier``."""
        return [name.split(".", 1)[1] for name in self.defaults if name.split(".", 1)[0] == section]


class IatiConfigError(ValueError):
    """A config file that cannot be used; the message names the file, the key, the value and the fix."""


def load_iati_config(path: str | Path | None) -> IatiConfig:
    """The config in ``path`` over the defaults; just the defaults when ``path`` is None or does not exist."""
    given: dict = {}
    source = "defaults"
    if path is not None and Path(path).is_file():
        source = str(path)
        try:
            given = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise IatiConfigError(f"{path}: not a readable TOML file ({error}). See iati.example.toml.") from None
    unknown = sorted(set(given) - set(DEFAULTS))
    if unknown:
        raise IatiConfigError(f"{path}: unknown section(s) {', '.join(unknown)}; sections are "
                              f"{', '.join(DEFAULTS)}.")
    values: dict[str, dict[str, str]] = {}
    defaulted: list[str] = []
    for section, defaults in DEFAULTS.items():
        chosen = given.get(section, {})
        if not isinstance(chosen, dict):
            raise IatiConfigError(f"{path}: [{section}] must be a table of keys, got {chosen!r}.")
        extra = sorted(set(chosen) - set(defaults))
        if extra:
            raise IatiConfigError(f"{path}: unknown key(s) {', '.join(extra)} in [{section}]; keys are "
                                  f"{', '.join(defaults)}.")
        values[section] = {key: str(chosen.get(key, default)).strip() for key, default in defaults.items()}
        defaulted += [f"{section}.{key}" for key, default in defaults.items()
                      if key not in chosen and default and key in ORGANISATION_KNOWS]
    config = IatiConfig(values, tuple(defaulted), source)
    _check(config, source)
    return config


def _check(config: IatiConfig, where: str) -> None:
    org = config.organisation["ref"]
    for programme in PROGRAMMES:
        values = config.programme(programme)
        if not values["iati_identifier"].startswith(org + "-"):
            raise IatiConfigError(f"{where}: [{programme}] iati_identifier {values['iati_identifier']!r} must start "
                                  f"with the reporting organisation's identifier and a hyphen ({org}-…).")
        if values["status"] not in ACTIVITY_STATUSES:
            raise IatiConfigError(f"{where}: [{programme}] status {values['status']!r} is not an IATI activity "
                                  f"status; use one of " + ", ".join(f"{k} ({v})" for k, v in
                                                                    ACTIVITY_STATUSES.items()) + ".")
        for key in DATE_KEYS:
            if values[key]:
                try:
                    date.fromisoformat(values[key])
                except ValueError:
                    raise IatiConfigError(f"{where}: [{programme}] {key} {values[key]!r} is not a date; write it as "
                                          f"YYYY-MM-DD (e.g. 2016-04-01), or leave it out.") from None
        if not values["planned_start"] and not values["actual_start"]:
            raise IatiConfigError(f"{where}: [{programme}] needs planned_start or actual_start (YYYY-MM-DD).")
