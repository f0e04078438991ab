"""The query planner's statistics (sqlite_stat1) of a build's tables, counted as rows are made."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import itemgetter

from app.pipeline import schema
from app.pipeline.rows import INSERT_COLUMNS, ROW_TABLES, Rows

# ANALYZE would read the whole finished catalogue again (100 MB of sources: 0.8 CPU-s alone,
# up to 1.7 s at the end of a build with nothing else left to do). What it writes for an
# index is the rows, then for each leading run of its columns the average number of rows that
# share one value of them: the number of distinct values is all it needs, and the build knows
# those as it makes each document's rows.

# Columns whose values one document's rows never share with another's (entries are numbered
# per document): their distinct values add up across documents instead of being kept.
OWN_COLUMNS = frozenset({"entry_id", "note_entry_id"})


@dataclass(frozen=True)
class TablePlan:
    """What to count of one table: the sets of columns whose distinct values are kept (each
    leading run of an index's columns that is not unique lies in one), and the OWN_COLUMNS
    counted alone."""

    kept: tuple[tuple[str, ...], ...]
    own: tuple[str, ...]
    unique: tuple[frozenset[str], ...]  # column sets no two rows share


@dataclass
class TableCounts:
    rows: int = 0
    kept: dict[tuple[str, ...], set] = field(default_factory=dict)
    own: dict[str, int] = field(default_factory=dict)


def index_columns(table: str) -> list[tuple[str, ...]]:
    """The columns of every index of `table` that schema.py makes: its own (INDEXES) and the
    one SQLite makes for a primary key that is not the rowid."""
    spec = schema.TABLES[table]
    found = [tuple(columns) for name, columns in schema.INDEXES if name == table]
    pk = spec["pk"]
    if not _is_rowid(table):
        found.append(tuple(pk) if isinstance(pk, tuple) else (pk,))
    return found


def _is_rowid(table: str) -> bool:
    """Whether the primary key is an INTEGER PRIMARY KEY: the rowid, with no index of its own."""
    spec = schema.TABLES[table]
    return isinstance(spec["pk"], str) and spec["columns"][spec["pk"]] is int


@functools.cache
def plans() -> dict[str, TablePlan]:
    """The tables whose statistics are counted, and how; a table whose indexes mix OWN_COLUMNS
    with others in a leading run that is not unique is left to ANALYZE."""
    found = {}
    for table in ROW_TABLES:
        spec = schema.TABLES[table]
        pk = spec["pk"]
        unique = [frozenset([pk] if isinstance(pk, str) else pk)]
        runs: list[tuple[str, ...]] = []
        own: list[str] = []
        mixed = False
        for columns in index_columns(table):
            for length in range(1, len(columns) + 1):
                run = columns[:length]
                if any(key <= set(run) for key in unique):
                    break
                if set(run) & OWN_COLUMNS:
                    if len(run) == 1:
                        own.append(run[0])
                    else:
                        mixed = True
                else:
                    runs.append(run)
        if mixed:
            continue
        order = INSERT_COLUMNS[table]
        sets = {frozenset(run) for run in runs}
        widest = [s for s in sets if not any(s < other for other in sets)]
        kept = tuple(sorted(tuple(sorted(s, key=order.index)) for s in widest))
        found[table] = TablePlan(kept, tuple(dict.fromkeys(own)), tuple(unique))
    return found


def count_document(rows: Rows) -> dict[str, TableCounts]:
    """The counts of one document's rows (rows.document_rows())."""
    counted = {}
    for table, table_rows in rows:
        plan = plans().get(table)
        if plan is None:
            continue
        columns = INSERT_COLUMNS[table]
        counts = TableCounts(len(table_rows))
        for kept in plan.kept:
            counts.kept[kept] = set(map(itemgetter(*map(columns.index, kept)), table_rows))
        for column in plan.own:
            counts.own[column] = len(set(map(itemgetter(columns.index(column)), table_rows)))
        counted[table] = counts
    return counted


def add(total: dict[str, TableCounts], document: dict[str, TableCounts]) -> None:
    """Add one document's counts to the catalogue's (documents in any order)."""
    for table, counts in document.items():
        into = total.setdefault(table, TableCounts())
        into.rows += counts.rows
        for kept, values in counts.kept.items():
            into.kept.setdefault(kept, set()).update(values)
        for column, n in counts.own.items():
            into.own[column] = into.own.get(column, 0) + n


def stat_rows(conn, counted: dict[str, TableCounts]) -> tuple[list[tuple], list[str]]:
    """Rows of sqlite_stat1 (table, index, stat) for the counted tables of the catalogue open
    in `conn`, and the tables left to ANALYZE: those not counted, and any whose indexes in
    the file are not those the counts were planned for."""
    made, left = [], []
    for (table,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ):
        counts, plan = counted.get(table), plans().get(table)
        indexes = _indexes(conn, table)
        if counts is None or plan is None or not indexes:
            left.append(table)
            continue
        if not counts.rows:
            continue  # ANALYZE writes nothing for an empty table
        try:
            made += [(table, name, _stat(plan, counts, columns)) for name, columns in indexes]
        except KeyError:  # an index the plan does not know: let SQLite count
            left.append(table)
    return made, left


def _indexes(conn, table: str) -> list[tuple[str, tuple[str, ...]]]:
    found = []
    for _, name, *_ in conn.execute(f"PRAGMA index_list([{table}])"):
        columns = tuple(c for _, _, c in conn.execute(f"PRAGMA index_info([{name}])"))
        found.append((name, columns))
    return found


def _stat(plan: TablePlan, counts: TableCounts, columns: tuple[str, ...]) -> str:
    averages = [
        _average(counts.rows, _distinct(plan, counts, columns[:length]))
        for length in range(1, len(columns) + 1)
    ]
    return " ".join(map(str, [counts.rows, *averages]))


def _distinct(plan: TablePlan, counts: TableCounts, run: tuple[str, ...]) -> int:
    """How many distinct values the columns of `run` take together (NULL counting as one, as
    an index orders them)."""
    if any(key <= set(run) for key in plan.unique):
        return counts.rows
    if len(run) == 1 and run[0] in counts.own:
        return counts.own[run[0]]
    for kept in plan.kept:
        if set(run) <= set(kept):
            values = counts.kept.get(kept, set())
            if len(run) == len(kept):
                return len(values)
            return len(set(map(itemgetter(*map(kept.index, run)), values)))
    raise KeyError(run)


def _average(rows: int, distinct: int) -> int:
    """Rows per distinct value, rounded up, as ANALYZE writes it: a value held by barely more
    than one row on average is written as 1 (SQLite then takes the columns as unique)."""
    average = (rows + distinct - 1) // distinct
    if average == 2 and rows * 10 <= distinct * 11:
        return 1
    return average


def write(db, counted: dict[str, TableCounts], skip: Iterable[str] = ()) -> None:
    """sqlite_stat1 for every table but those in `skip`: counted where the build counted,
    ANALYZE for the rest (small tables: the vocabularies, the full-text index's own)."""
    made, left = stat_rows(db.conn, counted)
    skip = set(skip)
    for table in left:
        if table not in skip:
            db.execute(f"ANALYZE [{table}]")  # also makes sqlite_stat1 if there is none yet
    if made:
        db.execute("ANALYZE sqlite_master")  # makes sqlite_stat1, counting nothing
        tables = sorted({table for table, _, _ in made})
        db.conn.execute(
            f"DELETE FROM sqlite_stat1 WHERE tbl IN ({', '.join('?' * len(tables))})", tables
        )
        db.conn.executemany("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)", made)
