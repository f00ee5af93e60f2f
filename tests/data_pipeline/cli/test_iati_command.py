"""``python -m data_pipeline iati``: the IATI file of the active version, its warnings and its errors."""

from __future__ import annotations

from lxml import etree

from data_pipeline.cli import main
from data_pipeline.presentation.iati import validate_iati


def test_iati_writes_a_valid_file_marked_demo_and_names_the_defaults(store_url, tmp_path, capsys):
    assert main(["demo", "--store", store_url]) == 0
    out = tmp_path / "iom-tj.xml"
    capsys.readouterr()
    assert main(["iati", "--store", store_url, "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "demo data" in err and "TAJIRRB.iati_identifier" in err and "iati.example.toml" in err
    xml = out.read_bytes()
    assert validate_iati(xml) == []
    assert etree.fromstring(xml).findtext("iati-activity/iati-identifier").endswith("-DEMO")


def test_iati_refuses_a_wrong_output_or_config_and_an_empty_store(store_url, tmp_path, capsys):
    assert main(["iati", "--store", store_url, "-o", str(tmp_path / "x.xml")]) == 2
    assert "no active version" in capsys.readouterr().err
    assert main(["demo", "--store", store_url]) == 0
    assert main(["iati", "--store", store_url, "-o", str(tmp_path / "x.csv")]) == 2
    assert "-o FILE.xml" in capsys.readouterr().err
    assert main(["iati", "--store", store_url, "--config", str(tmp_path / "none.toml"), "-o",
                 str(tmp_path / "x.xml")]) == 2
    assert "no such file" in capsys.readouterr().err
    bad = tmp_path / "bad.toml"
    bad.write_text('[TAJIRRB]\nplanned_end = "31.12.2020"\n', encoding="utf-8")
    assert main(["iati", "--store", store_url, "--config", str(bad), "-o", str(tmp_path / "x.xml")]) == 2
    err = capsys.readouterr().err
    assert "YYYY-MM-DD" in err and "Traceback" not in err
