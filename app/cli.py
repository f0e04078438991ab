"""The `catalogue` command: build, query and export the catalogue; with no command, the app."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from app import __version__
from app.paths import bundled_catalogue, bundled_sources
from app.wording import counted, noun_for

KINDS = ("body", "caption", "note", "glossary", "column", "heading")


def year(text: str) -> int:
    """A year for --year-from/--year-to: argparse turns a ValueError into a one-line error."""
    value = int(text)
    from app.query.filters import FIRST_YEAR, LAST_YEAR

    if not FIRST_YEAR <= value <= LAST_YEAR:
        raise ValueError(text)
    return value


def add_filter_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("filters (repeat an option for alternatives)")
    group.add_argument(
        "--country",
        action="append",
        default=[],
        metavar="NAME|CODE",
        help="country by ISO alpha-3 code or name: VNM, 'Viet Nam', Vietnam",
    )
    group.add_argument(
        "--region",
        action="append",
        default=[],
        metavar="ID|NAME",
        help="region or grouping, by id or name in any case: asean, Africa, 'Gulf of Guinea' ...",
    )
    group.add_argument(
        "--include-members",
        action="store_true",
        help="a region also matches entries naming its member countries",
    )
    group.add_argument(
        "--domain",
        action="append",
        default=[],
        metavar="ID|NAME",
        help="domain, by id or name in any case: maritime, Cyber, counter-terrorism ...",
    )
    group.add_argument(
        "--document",
        action="append",
        default=[],
        metavar="ID",
        help="document, by id in any case: oda-2018, oda-2021, dbb-2023 ...",
    )
    group.add_argument(
        "--organisation",
        action="append",
        default=[],
        metavar="ID|NAME",
        help="organisation or programme, by id, acronym or name in any case: unodc, JICA,"
        " 'Japan Coast Guard' ...",
    )
    group.add_argument(
        "--kind",
        action="append",
        default=[],
        choices=KINDS,
        type=lambda text: text.strip().casefold(),  # "Body" as well as "body", as documented
        help="kind of entry (default: all kinds)",
    )
    group.add_argument(
        "--year-from", type=year, metavar="YEAR", help="entries about this year or later"
    )
    group.add_argument(
        "--year-to", type=year, metavar="YEAR", help="entries about this year or earlier"
    )
    figures = group.add_mutually_exclusive_group()
    figures.add_argument(
        "--has-figure",
        action="store_true",
        default=None,
        help="only entries with an amount of money or a count",
    )
    figures.add_argument(
        "--without-figure",
        dest="has_figure",
        action="store_const",
        const=False,
        help="only entries with neither an amount of money nor a count",
    )
    group.add_argument(
        "--search",
        default="",
        metavar="TEXT",
        help='full-text search: words, "quoted phrases", prefix*, piracy OR robbery,'
        " -word to leave it out",
    )


def add_db_option(parser: argparse.ArgumentParser, top: bool = False) -> None:
    # Only the top level has a default, so `catalogue --db X export` keeps X.
    parser.add_argument(
        "--db",
        type=Path,
        default=bundled_catalogue() if top else argparse.SUPPRESS,
        help="catalogue to read (default: the bundled data/catalogue.db)",
    )


# Filter options whose values the catalogue lists: option (what a value is) -> dimension.
LISTED = {
    "region": "regions",
    "domain": "domains",
    "document": "documents",
    "organisation": "organisations",
}


def filters_from(args: argparse.Namespace, catalogue):
    """The filters the options ask for. A value is an id or a label in any case
    ("Maritime", "JCG", "Japan Coast Guard"); one that names nothing in `catalogue` is an
    error, rather than a filter that quietly matches no entry."""
    from app.pipeline.places import resolve_country
    from app.query.filters import Filters

    codes = []
    for name in args.country:
        code = resolve_country(name)
        if code is None:
            close = [
                f"{catalogue.labels()['countries'][c]} ({c})"
                for c in close_countries(catalogue, name)
            ]
            hint = f"did you mean {' or '.join(close)}? " if close else ""
            raise UsageError(f"unknown country: {name!r} ({hint}use a name or ISO alpha-3 code)")
        codes.append(code)
    listed = {
        dimension: tuple(
            value_id(catalogue, dimension, option, text) for text in getattr(args, option)
        )
        for option, dimension in LISTED.items()
    }
    if args.year_from is not None and args.year_to is not None and args.year_from > args.year_to:
        raise UsageError(
            f"--year-from {args.year_from} is after --year-to {args.year_to} (no entry could match)"
        )
    return Filters(
        countries=tuple(codes),
        include_region_members=args.include_members,
        kinds=tuple(args.kind),
        year_from=args.year_from,
        year_to=args.year_to,
        has_figure=args.has_figure,
        search=args.search,
        **listed,
    )


def close_countries(catalogue, text: str, most: int = 3) -> list[str]:
    """The codes of the catalogue's countries a name that resolves to none may mean: those
    whose names contain it ("Korea": both Koreas), or else those spelt closest ("Phillipines")."""
    folded = text.strip().casefold()
    containing = [
        code
        for code, name in catalogue.labels()["countries"].items()
        if folded and folded in name.casefold()
    ]
    return (containing or catalogue.close_values("countries", text))[:most]


def value_id(catalogue, dimension: str, noun: str, text: str) -> str:
    """The one id of `dimension` that `text` names, or a UsageError that says what to type."""
    found = catalogue.value_ids(dimension, text)
    if len(found) == 1:
        return found[0]
    if found:
        raise UsageError(f"{noun} {text!r} names several: {', '.join(found)} (use one of these)")
    close = catalogue.close_values(dimension, text)
    hint = f"did you mean {' or '.join(close)}? " if close else ""
    raise UsageError(f"unknown {noun}: {text!r} ({hint}`catalogue facets {dimension}` lists them)")


class UsageError(Exception):
    pass


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="catalogue",
        description="Japan's security cooperation, sentence by sentence, from MOFA reports. "
        "With no command, opens the desktop browser on the catalogue.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    add_db_option(parser, top=True)
    checks = parser.add_mutually_exclusive_group()
    checks.add_argument(
        "--smoke",
        action="store_true",
        help="check this copy works: open the window offscreen, filter, search, export CSV "
        "to a temporary folder, compare counts; exit 0 when all agree",
    )
    checks.add_argument(
        "--startup-time",
        action="store_true",
        help="open the window (offscreen), print the time from process start, and exit",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    build = commands.add_parser(
        "build",
        help="build the catalogue from source documents",
        description="Read every .txt report in --sources (the manifest "
        "sources.toml describes them; others are catalogued with "
        "inferred metadata) and write the catalogue to --out, replacing "
        "the old one only when the build succeeds.",
    )
    build.add_argument(
        "--sources",
        type=Path,
        default=bundled_sources(),
        help="folder of .txt reports (default: data/sources)",
    )
    build.add_argument(
        "--out",
        type=Path,
        default=bundled_catalogue(),
        help="catalogue to write (default: data/catalogue.db)",
    )
    build.add_argument("--quiet", action="store_true", help="print no progress and no report")

    export = commands.add_parser(
        "export",
        help="write matching entries to a CSV file",
        description="Write the entries matching the filters to a CSV "
        "file (UTF-8 with BOM, CRLF), in catalogue order.",
    )
    add_db_option(export)
    add_filter_options(export)
    export.add_argument(
        "-o", "--output", type=Path, required=True, metavar="FILE.csv", help="the CSV file to write"
    )

    query = commands.add_parser(
        "query",
        help="print matching entries",
        description="Print the entries matching the filters, with the filter described in words.",
    )
    add_db_option(query)
    add_filter_options(query)
    query.add_argument("--limit", type=int, default=20, help="entries to print (default 20)")
    query.add_argument("--count", action="store_true", help="print only the number of entries")

    info = commands.add_parser(
        "info",
        help="describe a catalogue: documents, counts, build",
        description="Show which documents a catalogue was built from.",
    )
    add_db_option(info)

    facets = commands.add_parser(
        "facets",
        help="list the values of a dimension with counts",
        description="List countries, regions, organisations, domains, "
        "documents, kinds or years with entry counts under the filters.",
    )
    add_db_option(facets)
    facets.add_argument(
        "dimension",
        choices=["countries", "regions", "organisations", "domains", "documents", "kinds", "years"],
        help="the dimension to list",
    )
    add_filter_options(facets)

    gui = commands.add_parser("gui", help="open the desktop browser (the default)")
    add_db_option(gui)
    return parser


def run_build(args) -> int:
    from app.pipeline.build import build_catalogue

    live = sys.stderr.isatty()

    def progress(stage: str, done: int, total: int) -> None:
        # On a terminal the line updates in place; in a log, one line per finished stage.
        if args.quiet or not (live or done >= total):
            return
        end = "\n" if done >= total else ""
        line = f"{stage:<11} {done:>6}/{total}"
        if live:  # padded: extracting and writing take turns on the line, and differ in length
            line = f"\r{line:<30}"
        print(line, end=end, file=sys.stderr, flush=True)

    report = build_catalogue(args.sources, args.out, progress=progress)
    if not args.quiet:
        print(report.text())
    return 0


def run_export(args) -> int:
    from app.export.shares import export_entries
    from app.query.catalogue import Catalogue

    with Catalogue(args.db) as catalogue:
        filters = filters_from(args, catalogue)
        written = export_entries(args.db, args.output, filters)
        print(
            f"{counted(written, 'entry')} ({catalogue.describe(filters)}) written to {args.output}"
        )
    return 0


def run_query(args) -> int:
    from app.query.catalogue import Catalogue

    with Catalogue(args.db) as catalogue:
        filters = filters_from(args, catalogue)
        total = catalogue.count(filters)
        if args.count:
            print(total)
            return 0
        print(f"{counted(total, 'entry')}: {catalogue.describe(filters)}")
        for row in catalogue.rows(filters, limit=args.limit):
            where = f"{row['entry_id']} [{row['kind']}, {row['domain'] or 'no domain'}]"
            print(f"\n{where} {row['section']}\n  {row['quote']}")
    return 0


def run_info(args) -> int:
    from app.query.catalogue import Catalogue

    with Catalogue(args.db) as catalogue:
        meta = catalogue.meta()
        print(f"{args.db}: {meta.get('entries', '?')} entries, built {meta.get('built_at', '?')}")
        for doc in catalogue.documents():
            print(
                f"  {doc['id']:<12} {doc['n_entries']:>5} "
                f"{noun_for(doc['n_entries'], 'entry'):<7}  {doc['title']}"
                f" ({doc['chapter'] or doc['source_file']})"
            )
    return 0


def run_facets(args) -> int:
    from app.query.catalogue import Catalogue

    with Catalogue(args.db) as catalogue:
        filters = filters_from(args, catalogue)
        for facet in catalogue.facet(args.dimension, filters):
            print(f"{facet.count:>6}  {facet.id:<28} {facet.label}")
    return 0


def run_gui(args) -> int:
    try:
        from app.gui.main import run
    except ImportError as exc:  # the desktop browser is optional for headless installs
        print(f"catalogue: the desktop browser is not available ({exc})", file=sys.stderr)
        return 2
    from app.logs import setup_logging

    setup_logging()  # the user's log folder: the window may have no console
    return run(args.db)


COMMANDS = {
    "build": run_build,
    "export": run_export,
    "query": run_query,
    "info": run_info,
    "facets": run_facets,
    "gui": run_gui,
    None: run_gui,
}


def main(argv: list[str] | None = None) -> int:
    from app.export.csv_export import ExportError
    from app.pipeline.sources import BuildError, SourceError
    from app.query.catalogue import DAMAGE, CatalogueError, damaged

    args = make_parser().parse_args(searches_joined(sys.argv[1:] if argv is None else argv))
    if args.smoke or args.startup_time:
        from app import smoke

        return smoke.run_smoke(args.db) if args.smoke else smoke.run_startup_time(args.db)
    try:
        code = COMMANDS[args.command](args)
        sys.stdout.flush()  # a reader gone meanwhile is met here, not at exit
        return code
    except (CatalogueError, SourceError, ExportError, UsageError, BuildError) as exc:
        print(f"catalogue: {exc}", file=sys.stderr)
        return 2
    except DAMAGE as exc:  # damage the cheap startup check could not see
        print(f"catalogue: {damaged(args.db, exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("catalogue: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `catalogue query | head` stopped reading: not worth a traceback
        # Python would still flush stdout at exit, into the closed pipe, and complain again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def searches_joined(argv: list[str]) -> list[str]:
    """`--search -piracy` as `--search=-piracy`: argparse takes a value that starts with "-"
    for an option, and a search leaves a word out that way. Not `--search --count`: a search
    left out, there is an option to read."""
    joined: list[str] = []
    arguments = iter(argv)
    for argument in arguments:
        if argument == "--":  # what follows is not an option
            return [*joined, argument, *arguments]
        if argument == "--search" and (value := next(arguments, None)) is not None:
            if value.startswith("--"):
                joined += [argument, value]
            else:
                joined.append(f"--search={value}")
        else:
            joined.append(argument)
    return joined


if __name__ == "__main__":
    sys.exit(main())
