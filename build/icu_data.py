"""A smaller ICU data library for the bundle (Linux): 32 MB of data down to about 8 MB.

Qt Core links ICU, whose data library (libicudata.so.NN) is the largest file of the bundle. Qt
uses ICU for collation (QCollator: the file dialog sorts names with it), case mapping and
normalisation (compiled into libicuuc, not data) and, on request, legacy text encodings,
time-zone names and break iterators, none of which this app uses (Qt has its own text
boundaries; Python reads and writes the text). This keeps the collation trees, the root
locale bundles and the small core tables, drops converters, break-iterator dictionaries and
display names (units, zones, currencies, languages, regions, transliterators, spell-out), and
links the result into a library with the same symbol and soname. Needs gcc and nm.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
from pathlib import Path

# Trees and files of the ICU data that stay (names relative to the "icudtNNl/" prefix).
KEEP_TREES = {"coll"}
DROP_TREES = {"brkitr", "unit", "zone", "curr", "lang", "region", "translit", "rbnf"}
DROP_SUFFIXES = {".cnv"}


def wanted(name: str) -> bool:
    """Whether an item ('icudt73l/coll/ja.res') stays in the trimmed data."""
    parts = name.split("/")[1:]
    if len(parts) > 1:
        return parts[0] in KEEP_TREES
    return Path(parts[0]).suffix not in DROP_SUFFIXES


def data_symbol(library: Path) -> tuple[str, int, int]:
    """(symbol, file offset, size) of the ICU data blob in `library`, from nm and the header."""
    out = subprocess.run(
        ["nm", "-D", "-S", "--defined-only", str(library)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 4 and re.fullmatch(r"icudt\d+_dat", fields[3]):
            size = int(fields[1], 16)
            blob = library.read_bytes()
            start = blob.find(b"CmnD") - 12
            if start < 0 or blob[start + 2 : start + 4] != b"\xda\x27":
                raise ValueError(f"{library}: no ICU common data found")
            return fields[3], start, size
    raise ValueError(f"{library}: no icudtNN_dat symbol")


def items(dat: bytes) -> list[tuple[str, bytes]]:
    """The (name, bytes) items of an ICU common data file (format CmnD), in TOC order."""
    header_size = struct.unpack_from("<H", dat, 0)[0]
    toc = header_size
    count = struct.unpack_from("<I", dat, toc)[0]
    entries = [struct.unpack_from("<II", dat, toc + 4 + 8 * k) for k in range(count)]
    result = []
    for k, (name_offset, data_offset) in enumerate(entries):
        name_end = dat.index(b"\0", toc + name_offset)
        name = dat[toc + name_offset : name_end].decode("ascii")
        end = toc + entries[k + 1][1] if k + 1 < count else len(dat)
        result.append((name, dat[toc + data_offset : end]))
    return result


def pad16(data: bytes) -> bytes:
    return data + b"\0" * (-len(data) % 16)


def common_data(header: bytes, kept: list[tuple[str, bytes]]) -> bytes:
    """An ICU common data file of `kept` items (sorted as ICU's binary search expects)."""
    names = b"".join(name.encode("ascii") + b"\0" for name, _ in kept)
    toc_size = 4 + 8 * len(kept)
    names_offset = toc_size
    data_offset = len(pad16(b"\0" * (toc_size + len(names))))
    toc, name_pos, body = [struct.pack("<I", len(kept))], names_offset, []
    position = data_offset
    for name, data in kept:
        toc.append(struct.pack("<II", name_pos, position))
        name_pos += len(name) + 1
        chunk = pad16(data)
        body.append(chunk)
        position += len(chunk)
    table = pad16(b"".join(toc) + names)
    return header + table + b"".join(body)


def trim(library: Path, out_dir: Path) -> Path | None:
    """A trimmed copy of ICU's data `library` in `out_dir`; None when the tools are missing."""
    if not (shutil.which("gcc") and shutil.which("nm")):
        return None
    symbol, start, size = data_symbol(library)
    dat = library.read_bytes()[start : start + size]
    header_size = struct.unpack_from("<H", dat, 0)[0]
    all_items = items(dat)
    kept = [(name, data) for name, data in all_items if wanted(name)]
    if not any(name.endswith("/coll/root.res") for name, _ in kept):
        raise ValueError(f"{library}: unexpected ICU data layout (no coll/root.res)")
    out_dir.mkdir(parents=True, exist_ok=True)
    dat_path = out_dir / f"{symbol[:-4]}l.dat"
    dat_path.write_bytes(common_data(dat[:header_size], kept))
    source = out_dir / "icudata.S"
    source.write_text(
        "\t.section .rodata\n"
        f"\t.globl {symbol}\n"
        f"\t.type {symbol}, @object\n"
        "\t.balign 16\n"
        f"{symbol}:\n"
        f'\t.incbin "{dat_path.name}"\n'
        f"\t.size {symbol}, . - {symbol}\n"
        '\t.section .note.GNU-stack,"",@progbits\n',
        encoding="ascii",
    )
    target = out_dir / library.name
    subprocess.run(
        [
            "gcc",
            "-shared",
            "-nostdlib",
            f"-Wl,-soname,{library.name}",
            "-o",
            str(target),
            source.name,
        ],
        cwd=out_dir,
        check=True,
    )
    print(
        f"icu_data: kept {len(kept)} of {len(all_items)} ICU data items, "
        f"{library.stat().st_size / 1e6:.1f} MB -> {target.stat().st_size / 1e6:.1f} MB"
    )
    return target
