"""Text in casings that regular expressions fold but str.lower() does not still builds."""

import hashlib
import re
import sqlite3

from app.paths import bundled_sources
from app.pipeline.build import build_catalogue

# re.IGNORECASE matches "ſ" as "s", the Kelvin sign as "k" and "İ" as "i"; lower() keeps them.
ODD = [("s", "ſ"), ("i", "\u0130"), ("k", "\u212a")]


def odd_copy(target):
    """The bundled sources with every word re-cased in turn: ſ, İ, K, or upper case."""
    target.mkdir()
    manifest = (bundled_sources() / "sources.toml").read_text(encoding="utf-8")
    for source in sorted(bundled_sources().glob("*.txt")):
        count = 0

        def recase(match):
            nonlocal count
            count += 1
            if count % 4 == 3:
                return match.group(0).upper()
            plain, odd = ODD[count % 4]
            return match.group(0).replace(plain, odd)

        text = re.sub(r"[A-Za-z]+", recase, source.read_text(encoding="utf-8"))
        (target / source.name).write_text(text, encoding="utf-8")
        digest = hashlib.sha256((target / source.name).read_bytes()).hexdigest()
        manifest = re.sub(
            rf'(file = "{re.escape(source.name)}"[^\[]*?checksum = "sha256:)[0-9a-f]+',
            lambda m, d=digest: m.group(1) + d,
            manifest,
            flags=re.S,
        )
    (target / "sources.toml").write_text(manifest, encoding="utf-8")
    return target


def test_odd_casings_build_with_exact_quotes(tmp_path):
    # "approxİmately" matched a figure's pattern but not its table: the build ended in a KeyError.
    sources = odd_copy(tmp_path / "sources")
    out = tmp_path / "catalogue.db"
    build_catalogue(sources, out)
    conn = sqlite3.connect(out)
    texts = dict(conn.execute("SELECT id, text FROM documents"))
    entries = conn.execute('SELECT document_id, start, "end", quote FROM entries').fetchall()
    money = conn.execute("SELECT count(*) FROM figures WHERE kind = 'money'").fetchone()[0]
    conn.close()
    assert len(entries) > 600 and money > 5
    assert all(texts[d][start:end] == quote for d, start, end, quote in entries)
