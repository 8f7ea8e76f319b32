"""Time the EPUB importer on a book made here, of a given size (text, marks, lists, images).

    .venv/bin/python tests/bench/epub_bench.py [--mb 2] [--repeat 3]

The book is built in memory (nothing is read from elsewhere); the figure is the best of
``--repeat`` runs of ``extract_all``, as an import runs it.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from reader.core.importers import extract_all  # noqa: E402

# A vocabulary of made-up words drawn with a Zipf-like skew: compresses about as real prose does.
_SYLLABLES = "ka lo mi ne ru sa te vo bi da fe gu ho ji ly pa qu ri so tu".split()
_VOCABULARY_RNG = random.Random(3)
WORDS = [
    "".join(_VOCABULARY_RNG.choice(_SYLLABLES) for _ in range(_VOCABULARY_RNG.randint(1, 4)))
    for _ in range(6000)
]
WEIGHTS = [1 / (rank + 1) for rank in range(len(WORDS))]
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40


def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, WEIGHTS, k=rng.randint(8, 24))
    if rng.random() < 0.3:
        at = rng.randrange(len(words))
        words[at] = f"<em>{words[at]}</em>"
    if rng.random() < 0.1:
        at = rng.randrange(len(words))
        words[at] = f'<a href="https://example.org/{at}">{words[at]}</a>'
    return " ".join(words).capitalize() + "."


def _chapter(rng: random.Random, number: int) -> str:
    parts = [f"<h1>Chapter {number}</h1>"]
    for i in range(60):
        if i % 15 == 14:
            items = "".join(f"<li>{_sentence(rng)}</li>" for _ in range(4))
            parts.append(f"<ul>{items}</ul>")
        else:
            parts.append(f"<p>{' '.join(_sentence(rng) for _ in range(rng.randint(2, 6)))}</p>")
    parts.append('<p><img src="../images/figure.png" alt=""/></p>')
    return (
        '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml">'
        f"<head><title>Chapter {number}</title></head><body>{''.join(parts)}</body></html>"
    )


def build_book(megabytes: float) -> tuple[bytes, int]:
    """An EPUB of about ``megabytes`` (compressed), and its unpacked size."""
    rng = random.Random(7)
    buffer = io.BytesIO()
    items: list[str] = []
    unpacked = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip", zipfile.ZIP_STORED)
        archive.writestr(
            "META-INF/container.xml",
            '<?xml version="1.0"?><container version="1.0" '
            'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
            '<rootfile full-path="text/content.opf" media-type="application/oebps-package+xml"/>'
            "</rootfiles></container>",
        )
        archive.writestr("images/figure.png", PNG)
        while buffer.tell() < megabytes * 1_048_576:
            number = len(items) + 1
            chapter = _chapter(rng, number)
            unpacked += len(chapter.encode())
            archive.writestr(f"text/c{number}.xhtml", chapter)
            items.append(f"c{number}")
        manifest = "".join(
            f'<item id="{i}" href="{i}.xhtml" media-type="application/xhtml+xml"/>' for i in items
        )
        spine = "".join(f'<itemref idref="{i}"/>' for i in items)
        archive.writestr(
            "text/content.opf",
            '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="2.0">'
            '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Bench</dc:title>'
            f"</metadata><manifest>{manifest}</manifest><spine>{spine}</spine></package>",
        )
    return buffer.getvalue(), unpacked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=2.0, help="size of the EPUB (compressed)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    data, unpacked = build_book(args.mb)
    extract_all(data, "bench.epub")  # imports lxml, dateutil and the rest once
    times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        (doc,) = extract_all(data, "bench.epub")
        times.append(time.perf_counter() - started)
    print(
        f"EPUB {len(data) / 1_048_576:.2f} MB ({unpacked / 1_048_576:.1f} MB unpacked): "
        f"{len(doc.text):,} characters, {len(doc.paragraphs):,} paragraphs; "
        f"best of {args.repeat}: {min(times):.3f} s"
    )


if __name__ == "__main__":
    main()
