import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from tenbin.cli import scan


def _app() -> typer.Typer:
    app = typer.Typer()
    scan.register(app)

    @app.command("noop")
    def _noop() -> None:  # a second command keeps "scan" as a named subcommand
        pass

    return app


def test_scan_json(tmp_path: Path) -> None:
    f = tmp_path / "in.txt"
    f.write_text("担当：山田太郎様 TEL 03-1234-5678", encoding="utf-8")
    result = CliRunner().invoke(_app(), ["scan", str(f), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["data_class"] == "personal"
    assert data["counts"] == {"PERSON": 1, "PHONE": 1}
    assert data["masked"] == "担当：〔氏名1〕様 TEL 〔電話1〕"


def test_scan_stdin_table_no_ner() -> None:
    result = CliRunner().invoke(_app(), ["scan", "-", "--no-ner"], input="山田太郎様 03-1234-5678\n")
    assert result.exit_code == 0, result.output
    assert "PHONE" in result.output and "PERSON" not in result.output
    assert "山田太郎様 〔電話1〕" in result.output
