"""The command line as scripts use it: options, JSON output, exit codes, error lines."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from reader.cli import main
from tests.conftest import SEEDS, write_articles


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_list_json_has_the_documented_fields(capsys):
    code, out, _ = run(capsys, "list", "--json")
    assert code == 0
    docs = json.loads(out)
    assert len(docs) == 5
    for doc in docs:
        assert set(doc) == {"id", "title", "date", "source", "byline", "language", "imported_from"}
    by_title = {d["title"]: d for d in docs}
    doc = by_title["Xi, Kim announce 2024 as China-DPRK Friendship Year"]
    assert doc["date"] == "2024-01-02"
    assert doc["byline"] == "Cao Desheng"
    assert doc["imported_from"].endswith(SEEDS[1].name)
    assert [d["date"] for d in docs] == sorted((d["date"] for d in docs), reverse=True)


def test_search_json_has_the_documented_fields(capsys):
    code, out, _ = run(capsys, "search", "--json", "treaty")
    assert code == 0
    result = json.loads(out)
    assert set(result) == {"total", "hits", "suggestion", "by_year"}
    assert result["total"] == 1
    assert result["by_year"] == {"2021": 1}
    assert result["suggestion"] is None
    (hit,) = result["hits"]
    assert set(hit) == {"id", "title", "date", "source", "snippet", "score"}
    assert "<b>treaty</b>" in hit["snippet"]
    assert hit["source"] == "Xinhua News Agency"


def test_search_text_output_and_suggestion(capsys):
    code, out, _ = run(capsys, "search", "frendship")
    assert code == 0
    assert "0 documents found" in out
    assert "Did you mean: friendship" in out


def test_global_options_go_before_the_command(capsys, tmp_path):
    other = tmp_path / "elsewhere"
    article = write_articles(tmp_path / "in", 1)[0]
    code, out, err = run(capsys, "--data-dir", str(other), "--no-seed", "import", str(article))
    assert code == 0
    assert "Imported 1 document." in out
    assert "[1/1] imported" in err
    code, out, _ = run(capsys, "--data-dir", str(other), "list", "--json")
    assert len(json.loads(out)) == 1  # no seeds in that library


def test_no_seed_from_the_environment(capsys, monkeypatch):
    monkeypatch.setenv("READER_NO_SEED", "1")
    _, out, _ = run(capsys, "list", "--json")
    assert json.loads(out) == []


def test_import_reports_failures_and_exits_non_zero(capsys, tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    good = write_articles(tmp_path, 1)[0]
    code, out, _ = run(capsys, "import", str(tmp_path / "empty.txt"), str(good), "--json")
    assert code == 1
    report = json.loads(out)
    assert len(report["imported"]) == 1
    assert report["failed"] == [
        {"path": str(tmp_path / "empty.txt"), "reason": "the file is empty"}
    ]
    code, out, _ = run(capsys, "import", str(tmp_path / "empty.txt"))
    assert code == 1
    assert "empty.txt: the file is empty" in out


def test_show_and_original(capsys):
    _, out, _ = run(capsys, "list", "--json")
    doc_id = next(d["id"] for d in json.loads(out) if d["title"].startswith("Xi, Kim announce"))
    code, out, _ = run(capsys, "show", str(doc_id))
    assert code == 0
    assert out.startswith("Xi, Kim announce 2024 as China-DPRK Friendship Year\n")
    assert "Source: China Daily" in out and "By: Cao Desheng" in out
    assert "(Web editor" not in out
    code, out, _ = run(capsys, "show", "--json", str(doc_id))
    assert json.loads(out)["paragraphs"][0].startswith("President Xi Jinping")


def test_user_errors_are_one_line_on_stderr(capsys):
    for argv in (["show", "999"], ["search", '"open'], ["search", "--within", "soon", "kim"]):
        code, out, err = run(capsys, *argv)
        assert code == 1
        assert out == ""
        assert err.count("\n") == 1 and err.startswith("reader: ")


def test_timeline(capsys):
    code, out, _ = run(capsys, "timeline", "--json")
    assert code == 0
    buckets = json.loads(out)
    assert {"period": "2020", "year": 2020, "month": None, "count": 2} in buckets
    assert {"period": "2020-10", "year": 2020, "month": 10, "count": 2} in buckets
    _, out, _ = run(capsys, "timeline")
    assert out.splitlines()[0].startswith("2024")


def test_reindex(capsys):
    code, out, _ = run(capsys, "reindex")
    assert code == 0
    assert out.startswith("Indexed 5 documents")
    code, out, _ = run(capsys, "search", "--json", '"Friendship Year"')
    assert json.loads(out)["total"] == 1


def test_python_dash_m_and_bad_usage():
    proc = subprocess.run(
        [sys.executable, "-m", "reader", "--no-seed", "list"], capture_output=True, text=True
    )
    assert proc.returncode == 0
    proc = subprocess.run(
        [sys.executable, "-m", "reader", "frobnicate"], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert "invalid choice" in proc.stderr


@pytest.mark.parametrize("query", ["卢拉", "习近平"])
def test_cjk_search_from_the_command_line(capsys, query):
    code, out, _ = run(capsys, "search", "--json", query)
    assert code == 0
    assert json.loads(out)["total"] == 1


def test_reextract_keeps_corrections(capsys):
    code, out, _ = run(capsys, "list", "--json")
    doc_id = next(d["id"] for d in json.loads(out) if d["source"] == "Newsx")
    from reader.core.library import Library
    from reader.paths import data_dir

    with Library.open(data_dir(), seed=False) as library:
        library.edit_metadata(doc_id, source="NewsX")
    code, out, _ = run(capsys, "reextract")
    assert code == 0
    assert out.startswith("Extracted 5 document(s) again")
    code, out, _ = run(capsys, "show", "--json", str(doc_id))
    assert json.loads(out)["source"] == "NewsX"


def test_a_windowed_executable_without_console_streams_still_reports_by_exit_code(tmp_path):
    import subprocess
    import sys

    code = (
        "import sys; sys.stdout = None; sys.stderr = None; from reader.cli import main; "
        f"raise SystemExit(main(['--data-dir', {str(tmp_path / 'data')!r}, '--no-seed', "
        "'show', '99']))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert proc.returncode == 1 and b"Traceback" not in proc.stderr
