"""`reader import https://...`: web pages among the paths, reported like files."""

from __future__ import annotations

import json

from reader.cli import main
from tests.conftest import write_articles
from tests.web import Site, closed_port, web_fixture  # noqa: F401  (the "web" fixture)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["--no-seed", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_web_page_imports_and_lists_with_its_address(capsys, web: Site):
    url = web.url("/article.html")
    code, out, err = run(capsys, "import", url)
    assert code == 0
    assert out == "Imported 1 document.\n"
    assert f"imported: {url}" in err
    _, out, _ = run(capsys, "list", "--json")
    (doc,) = json.loads(out)
    assert doc["title"] == "Harbour bridge reopens after two years"
    assert doc["imported_from"] == url


def test_json_summary_keeps_its_shape_with_addresses(capsys, web: Site, tmp_path):
    article = write_articles(tmp_path / "in", 1)[0]
    missing = web.url("/missing")
    code, out, _ = run(capsys, "import", web.url("/redirect"), str(article), missing, "--json")
    assert code == 1
    report = json.loads(out)
    assert set(report) == {"imported", "duplicates", "failed", "index_pending"}
    assert len(report["imported"]) == 2
    assert report["failed"] == [{"path": missing, "reason": "the server answered 404 Not Found"}]
    code, out, _ = run(capsys, "import", web.url("/article.html"), "--json")
    assert code == 0
    assert json.loads(out)["duplicates"] == [
        {"path": web.url("/article.html"), "id": report["imported"][0]}
    ]


def test_failed_addresses_are_reported_like_failed_files(capsys, web: Site):
    refused = f"http://127.0.0.1:{closed_port()}/page"
    code, out, err = run(
        capsys,
        "import",
        web.url("/report.pdf"),
        refused,
        "http://reader-test.invalid/news",
        "ftp://example.com/a.txt",
    )
    assert code == 1
    assert out.splitlines() == [
        "Imported 0 documents, 4 failed.",
        f"  {web.url('/report.pdf')}: it is a PDF document, which Reader cannot import yet",
        f"  {refused}: 127.0.0.1 refused the connection (is the address right?)",
        "  http://reader-test.invalid/news: could not reach reader-test.invalid: "
        "are you online? (is the address right?)",
        "  ftp://example.com/a.txt: Reader downloads only http and https addresses, not ftp: ones",
    ]
    assert "[4/4] FAILED: ftp://example.com/a.txt" in err
    _, out, _ = run(capsys, "list", "--json")
    assert json.loads(out) == []


def test_a_file_whose_name_looks_like_an_address_is_still_a_file(capsys, tmp_path, monkeypatch):
    article = write_articles(tmp_path, 1)[0]
    odd = article.rename(tmp_path / "notes:2020.txt")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "import", odd.name)
    assert code == 0
    assert out == "Imported 1 document.\n"
