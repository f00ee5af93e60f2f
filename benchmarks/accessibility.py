"""Lighthouse's accessibility score of every page, in every interface language (issue 17: goal ≥ 95).

Lighthouse 12.2.3 (npm) is pinned by ``benchmarks/lighthouse/package.json`` and its lock file and installed
with ``npm ci`` into that folder on first use (``node_modules`` is git-ignored; Node 20 and npm needed, and
the npm registry). ``benchmarks/lighthouse/audit.mjs`` runs Lighthouse's accessibility category only, with
Lighthouse's default settings (a phone: 412×823, mobile emulation), in Debian's Chromium (headless,
no sandbox), on each page once Streamlit's script has run and the page has drawn (the empty shell before
the run scores nothing that a reader sees). The pages are served as the first-visit table serves them
(``app.py`` through ``benchmarks.browser.streamlit_server``, demo store), each with ``?lang=en|ru|tg``,
and the bare one-line Streamlit page beside them (Streamlit's own markup, served by default).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

LIGHTHOUSE_DIR = Path(__file__).resolve().parent / "lighthouse"
LIGHTHOUSE_VERSION = "12.2.3"
GOAL = 95
AUDIT_TIMEOUT_S = 1800


class LighthouseUnavailable(RuntimeError):
    """Node, npm or the npm registry is missing: the accessibility scores cannot be measured."""


def installed_version(folder: Path = LIGHTHOUSE_DIR) -> str | None:
    """The version of Lighthouse in ``folder``'s node_modules, or None when it is not installed."""
    manifest = folder / "node_modules" / "lighthouse" / "package.json"
    if not manifest.exists():
        return None
    return json.loads(manifest.read_text(encoding="utf-8")).get("version")


def ensure_installed(log=print, folder: Path = LIGHTHOUSE_DIR) -> None:
    """Install the pinned Lighthouse with ``npm ci`` into ``folder`` unless it is there already."""
    if installed_version(folder) == LIGHTHOUSE_VERSION:
        return
    if shutil.which("node") is None or shutil.which("npm") is None:
        raise LighthouseUnavailable("Lighthouse needs Node.js and npm (Node 20: apt-get install nodejs npm).")
    log(f"  Installing Lighthouse {LIGHTHOUSE_VERSION}: npm ci in {folder} (once; node_modules is git-ignored)")
    run = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=folder, capture_output=True, text=True)
    if run.returncode != 0 or installed_version(folder) != LIGHTHOUSE_VERSION:
        raise LighthouseUnavailable(f"npm ci in {folder} failed:\n{(run.stderr or run.stdout)[-2000:]}")


def summarise(report: dict, seen: dict | None = None) -> dict:
    """One page's row from Lighthouse's JSON result: the score (0–100), the failing audits of the category
    (``id``, the weight it has in the score, the number of elements it names), what the page held when it
    was audited (``seen``), and Lighthouse's own warnings and errors."""
    category = report["categories"]["accessibility"]
    failing = []
    for ref in category["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if audit["scoreDisplayMode"] in ("binary", "numeric") and audit["score"] is not None and audit["score"] < 1:
            items = (audit.get("details") or {}).get("items") or []
            failing.append({"id": ref["id"], "weight": ref["weight"], "elements": len(items),
                            "snippets": [(item.get("node") or {}).get("snippet", "") for item in items[:3]]})
    score = category["score"]
    return {"score": None if score is None else round(score * 100),
            "failing": failing,
            "seen": seen or {},
            "lighthouse": report.get("lighthouseVersion"),
            "form_factor": report.get("configSettings", {}).get("formFactor"),
            "warnings": list(report.get("runWarnings") or []),
            "error": (report.get("runtimeError") or {}).get("message")}


def audit(urls: dict[str, str], out_dir: Path, log=print) -> dict[str, dict]:
    """Lighthouse's accessibility category on each URL (name → URL): ``{name: summarise(...)}``; each
    result's full JSON is kept as ``out_dir/<name>.json``."""
    ensure_installed(log)
    out_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "CHROME_PATH": "/usr/bin/chromium"}
    run = subprocess.run(["node", str(LIGHTHOUSE_DIR / "audit.mjs"), str(out_dir),
                          *(f"{name}={url}" for name, url in urls.items())],
                         cwd=LIGHTHOUSE_DIR, env=env, capture_output=True, text=True, timeout=AUDIT_TIMEOUT_S)
    rows = {}
    for line in run.stdout.splitlines():
        if line.startswith("{"):
            page = json.loads(line)
            report = json.loads(Path(page["file"]).read_text(encoding="utf-8"))
            rows[page["name"]] = summarise(report, page["seen"])
    if run.returncode != 0 or set(rows) != set(urls):
        raise RuntimeError(f"Lighthouse failed (exit {run.returncode}) on "
                           f"{', '.join(sorted(set(urls) - set(rows)))}:\n{run.stderr[-3000:]}")
    return rows


def measure(store_url: str, geo_dir, workdir: Path, out_dir: Path, pages: dict[str, str] | None = None,
            languages=None, log=print) -> dict:
    """Scores of every page in every language, and of the bare page: ``{"pages": {page: {lang: row}},
    "bare": row}``; or ``{"error": why}`` when Lighthouse cannot be installed."""
    from benchmarks.browser import BARE_PAGE, PAGES, SERVE, streamlit_server
    from data_pipeline.reference.messages import LANGUAGES

    pages = pages or PAGES
    languages = list(languages or LANGUAGES)
    try:
        ensure_installed(log)
    except LighthouseUnavailable as error:
        log(f"  Lighthouse: not measured ({error})")
        return {"error": str(error)}
    bare_script = workdir / "bare_page.py"
    bare_script.write_text(BARE_PAGE)
    with streamlit_server(bare_script, {}, workdir / "bare-lighthouse.log") as base:
        bare = audit({"bare": base + "/"}, out_dir, log)["bare"]
    log(f"  Lighthouse accessibility bare      {bare['score']}")
    env = {"DASHBOARD_STORE_URL": store_url, "DASHBOARD_GEO_DIR": str(geo_dir)}
    with streamlit_server(SERVE, env, workdir / "dashboard-lighthouse.log") as base:
        urls = {f"{name}-{lang}": f"{base}{path}?lang={lang}" for name, path in pages.items() for lang in languages}
        rows = audit(urls, out_dir, log)
    out = {"pages": {name: {lang: rows[f"{name}-{lang}"] for lang in languages} for name in pages}, "bare": bare}
    for name, by_lang in out["pages"].items():
        log(f"  Lighthouse accessibility {name:<9} " + ", ".join(
            f"{lang} {row['score']}" + (f" ({', '.join(f['id'] for f in row['failing'])})" if row["failing"] else "")
            + f" [{row['seen'].get('elements', '?')} elements, lang={row['seen'].get('lang', '?')}]"
            for lang, row in by_lang.items()))
    return out


def scores_cell(by_lang: dict[str, dict]) -> str:
    """``100 / 100 / 92`` (the languages in order)."""
    return " / ".join("–" if row["score"] is None else str(row["score"]) for row in by_lang.values())


def scores_table(scores: dict) -> list[str]:
    """Markdown lines: a row per page (and the bare page), a column per language."""
    if "pages" not in scores:
        return []
    languages = list(next(iter(scores["pages"].values())))
    lines = ["| page | " + " | ".join(languages) + " |", "|" + " --- |" + " ---: |" * len(languages)]
    lines += [f"| {name} | " + " | ".join("–" if row["score"] is None else str(row["score"]) for row in by_lang.values())
              + " |" for name, by_lang in scores["pages"].items()]
    return lines + [f"| bare one-line page (no languages) | {scores['bare']['score']} |" + " |" * (len(languages) - 1)]


def failing_lines(scores: dict) -> list[str]:
    """Markdown list of the failing audits: each audit id with the pages and languages it failed on."""
    where: dict[str, list[str]] = {}
    for name, by_lang in {**scores.get("pages", {}), "bare": {"–": scores["bare"]}}.items():
        for lang, row in by_lang.items():
            for failed in row["failing"]:
                where.setdefault(failed["id"], []).append(name if lang == "–" else f"{name} ({lang})")
    if not where:
        return ["No Lighthouse accessibility audit failed on any page."]
    return [f"- `{audit_id}` failed on {', '.join(places)}" for audit_id, places in sorted(where.items())]
