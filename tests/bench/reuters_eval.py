"""Score the plain-text importer on the Reuters-21578 newswires: title, date and body token F1.

    .venv/bin/python tests/bench/reuters_eval.py [--set DIR]

Scoring follows the eval set's README files: titles by ``norm()`` exact and lenient; the text
gives no year, so an absent date counts as right and any date other than the gold one as wrong
(coverage and precision are printed too); body token F1 of the clean text against ``<BODY>``.
The eval data is read in place and never copied.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from reader.core.errors import ImportFailed
from reader.core.importers import extract_bytes

DEFAULT_SET = Path("/work/shared/eval/reuters-21578-tm")
LOWEST_SHOWN = 5
TOKENS_SHOWN = 15
# A case missing fewer gold tokens than this lost a word or a sign-off, not a sentence.
LOST_TEXT_TOKENS = 3
_CJK_CHARS = r"\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK_CHARS}]|(?:(?![{_CJK_CHARS}])\w)+")
_SITE_SEPARATOR = re.compile(r" \| | - | – | — |_| :: ")
_BODY = re.compile(r"<BODY>(.*?)</BODY>", re.DOTALL)


def norm(text: str) -> str:
    """HTML-unescape, NFKC, collapse whitespace, strip, casefold (the eval README's norm())."""
    return " ".join(unicodedata.normalize("NFKC", html.unescape(text)).split()).casefold()


def _without_site_name(title: str) -> set[str]:
    """The title as it is, without what precedes its first separator, and without its last part."""
    separators = list(_SITE_SEPARATOR.finditer(title))
    variants = {title}
    if separators:
        variants.add(title[separators[0].end() :].strip())
        variants.add(title[: separators[-1].start()].strip())
    return variants


def title_match(predicted: str, gold: str) -> tuple[bool, bool]:
    """(exact, lenient) per the eval README."""
    pred, want = norm(predicted), norm(gold)
    exact = pred == want
    contains = bool(pred) and bool(want) and (pred in want or want in pred)
    stripped = bool(_without_site_name(pred) & _without_site_name(want))
    return exact, exact or contains or stripped


def tokens(text: str) -> Counter[str]:
    """Each CJK character and every other \\w+ run, casefolded, as a multiset."""
    return Counter(token.casefold() for token in _TOKEN.findall(text))


@dataclass(frozen=True, slots=True)
class BodyScore:
    """Token overlap with the gold body: the first extra tokens, and every missing one."""

    precision: float
    recall: float
    f1: float
    extra: str
    missing: tuple[str, ...]


def body_score(predicted: str, gold: str) -> BodyScore:
    """Multiset token precision, recall and F1, with samples of extra and missing tokens."""
    pred, want = tokens(predicted), tokens(gold)
    overlap = sum((pred & want).values())
    extra = " ".join(list((pred - want).elements())[:TOKENS_SHOWN])
    missing = tuple((want - pred).elements())
    if not overlap:
        return BodyScore(0.0, 0.0, 0.0, extra, missing)
    precision = overlap / sum(pred.values())
    recall = overlap / sum(want.values())
    return BodyScore(
        precision, recall, 2 * precision * recall / (precision + recall), extra, missing
    )


@dataclass(frozen=True, slots=True)
class CaseResult:
    """What the importer made of one case, next to the gold data."""

    case: str
    gold_title: str
    title: str
    title_exact: bool
    title_lenient: bool
    gold_date: str
    date: str | None
    body: BodyScore
    error: str | None = None


def evaluate(case_dir: Path) -> CaseResult:
    """Import the case's article.txt and compare it with gold.json and original.xml."""
    gold = json.loads((case_dir / "gold.json").read_text("utf-8"))
    match = _BODY.search((case_dir / "original.xml").read_text("utf-8"))
    gold_body = html.unescape(match.group(1)) if match else ""
    try:
        doc = extract_bytes((case_dir / "article.txt").read_bytes(), "article.txt")
    except ImportFailed as exc:
        body = body_score("", gold_body)
        return CaseResult(
            case_dir.name, gold["title"], "", False, False, gold["date"], None, body, str(exc)
        )
    exact, lenient = title_match(doc.title, gold["title"])
    date = doc.date.isoformat() if doc.date else None
    body = body_score(doc.text, gold_body)
    return CaseResult(
        case_dir.name, gold["title"], doc.title, exact, lenient, gold["date"], date, body
    )


def share(count: int, total: int) -> str:
    """'count/total (percent)'."""
    if not total:
        return "0/0 (n/a)"
    return f"{count}/{total} ({100 * count / total:.1f}%)"


def report(results: list[CaseResult]) -> None:
    """Print the figures, then every failure."""
    n = len(results)
    dated = [r for r in results if r.date is not None]
    right_dates = sum(r.date == r.gold_date for r in dated)
    rows = [
        ("cases", str(n)),
        ("import errors", str(sum(r.error is not None for r in results))),
        ("title exact", share(sum(r.title_exact for r in results), n)),
        ("title lenient", share(sum(r.title_lenient for r in results), n)),
        ("date coverage (any date)", share(len(dated), n)),
        ("date precision (right / given)", share(right_dates, len(dated))),
        ("date accuracy (none counts right)", share(n - len(dated) + right_dates, n)),
        ("date exact match with gold", share(right_dates, n)),
        ("body token precision (macro)", f"{sum(r.body.precision for r in results) / n:.3f}"),
        ("body token recall (macro)", f"{sum(r.body.recall for r in results) / n:.3f}"),
        ("body token F1 (macro)", f"{sum(r.body.f1 for r in results) / n:.3f}"),
    ]
    for label, value in rows:
        print(f"  {label:<36} {value}")

    failures = [
        ("import errors", [(r.case, "", r.error or "") for r in results if r.error]),
        (
            "titles not exact",
            [(r.case, r.gold_title, r.title) for r in results if not r.error and not r.title_exact],
        ),
        (
            "wrong dates",
            [(r.case, r.gold_date, r.date or "") for r in dated if r.date != r.gold_date],
        ),
        (
            f"body text lost ({LOST_TEXT_TOKENS} or more gold tokens missing)",
            [
                (r.case, "", f"R {r.body.recall:.3f}; missing: {' '.join(r.body.missing)}")
                for r in results
                if len(r.body.missing) >= LOST_TEXT_TOKENS
            ],
        ),
        (
            f"lowest body F1 (the {LOWEST_SHOWN} worst)",
            [
                (r.case, "", f"F1 {r.body.f1:.3f}; extra: {r.body.extra}")
                for r in sorted(results, key=lambda r: r.body.f1)[:LOWEST_SHOWN]
            ],
        ),
    ]
    for heading, items in failures:
        print(f"\n{heading}: {len(items)}")
        for case, gold, predicted in items:
            if gold:
                print(f"  {case}\n    gold: {gold!r}\n    got:  {predicted!r}")
            else:
                print(f"  {case}  {predicted}")
    few = [r.body.missing for r in results if 0 < len(r.body.missing) < LOST_TEXT_TOKENS]
    counts = Counter(token for missing in few for token in missing)
    listed = ", ".join(f"{token} x{count}" for token, count in counts.most_common())
    print(
        f"\ncases missing 1 to {LOST_TEXT_TOKENS - 1} gold tokens: {len(few)} ({listed or 'none'})"
    )


def main(argv: list[str] | None = None) -> int:
    """Command line: score every case of the set."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=DEFAULT_SET, help="the eval set folder")
    args = parser.parse_args(argv)
    cases = args.set / "cases"
    if not cases.is_dir():
        print(f"no eval set at {args.set}: nothing to score")
        return 0
    results = [evaluate(case) for case in sorted(cases.iterdir()) if case.is_dir()]
    print(f"Reuters-21578 plain-text import ({args.set})\n")
    report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
