"""Settings are declared once and documented in the README."""

from __future__ import annotations

from pathlib import Path

from data_pipeline import settings

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented():
    for setting in settings.SETTINGS:
        assert setting.env in README, f"{setting.env} is not documented in README.md"


def test_flag_beats_environment_beats_default(monkeypatch):
    monkeypatch.delenv("DASHBOARD_STORE_URL", raising=False)
    assert settings.store_url().startswith("sqlite:///")
    monkeypatch.setenv("DASHBOARD_STORE_URL", "sqlite:///env.db")
    assert settings.store_url() == "sqlite:///env.db"
    assert settings.store_url("sqlite:///flag.db") == "sqlite:///flag.db"
    monkeypatch.setenv("DASHBOARD_GEO_DIR", "/tmp/somewhere")
    assert settings.geo_dir() == Path("/tmp/somewhere")


def test_every_indicator_is_documented():
    from data_pipeline.reference.registry import INDICATORS

    for entry in INDICATORS:
        assert f"`{entry.id}`" in README, f"indicator {entry.id} missing from the README's table"


def test_streamlit_config_keeps_the_choices_the_readme_explains():
    import tomllib

    config = tomllib.loads((Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False  # a full collection after each run cost ~0.1 s per rerun
    assert config["server"]["enableStaticServing"] is True  # Leaflet is served by the app: no CDN
    assert config["browser"]["gatherUsageStats"] is False
    assert "`runner.postScriptGC`" in README
