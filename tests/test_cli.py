"""The command line: help for every command, export and query through the query layer."""

import csv
import subprocess
import sys

import pytest

from app.cli import main, make_parser, searches_joined
from app.export.csv_export import export_csv
from app.query.catalogue import Catalogue
from app.query.filters import Filters


def test_help_documents_every_command_and_option(capsys):
    parser = make_parser()
    with pytest.raises(SystemExit):
        main(["--help"])
    top = capsys.readouterr().out
    commands = parser._subparsers._group_actions[0].choices
    for name, sub in commands.items():
        assert name in top
        for action in sub._actions:
            assert action.help, f"{name} {action.option_strings} has no help"
        with pytest.raises(SystemExit):
            main([name, "--help"])
        text = capsys.readouterr().out
        for action in sub._actions:
            for option in action.option_strings:
                assert option in text


def test_export_matches_the_query_layer_byte_for_byte(catalogue_path, tmp_path, capsys):
    out = tmp_path / "cli.csv"
    code = main(
        [
            "export",
            "--db",
            str(catalogue_path),
            "--country",
            "Vietnam",
            "--domain",
            "maritime",
            "-o",
            str(out),
        ]
    )
    assert code == 0
    message = capsys.readouterr().out
    assert "Maritime entries mentioning Viet Nam" in message
    library = tmp_path / "lib.csv"
    with Catalogue(catalogue_path) as catalogue:
        export_csv(catalogue.iter_rows(Filters(countries=("VNM",), domains=("maritime",))), library)
    assert out.read_bytes() == library.read_bytes()
    with open(out, encoding="utf-8-sig", newline="") as fh:
        assert len(list(csv.reader(fh))) > 1


def test_query_and_count(catalogue_path, capsys):
    assert main(["query", "--db", str(catalogue_path), "--search", "piracy", "--count"]) == 0
    count = int(capsys.readouterr().out)
    assert count > 0
    assert main(["--db", str(catalogue_path), "query", "--search", "piracy", "--limit", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{count:,} entries: Entries matching “piracy”")


def test_entries_with_and_without_a_figure_make_up_the_whole(catalogue_path, capsys):
    def count(*options):
        assert main(["query", "--db", str(catalogue_path), "--count", *options]) == 0
        return int(capsys.readouterr().out.replace(",", ""))

    with_one, without = count("--has-figure"), count("--without-figure")
    assert with_one > 0 and without > 0 and with_one + without == count()
    with pytest.raises(SystemExit):
        main(["query", "--db", str(catalogue_path), "--has-figure", "--without-figure"])
    assert "not allowed with" in capsys.readouterr().err


def test_one_entry_is_said_in_the_singular(catalogue_path, capsys, tmp_path):
    # "1 entries: Entries matching …".
    search = ["--search", '"New Hampshire"']
    assert main(["query", "--db", str(catalogue_path), *search, "--count"]) == 0
    assert capsys.readouterr().out.strip() == "1"
    assert main(["query", "--db", str(catalogue_path), *search]) == 0
    assert capsys.readouterr().out.startswith("1 entry: ")
    out = tmp_path / "one.csv"
    assert main(["export", "--db", str(catalogue_path), *search, "-o", str(out)]) == 0
    assert capsys.readouterr().out.startswith("1 entry (")


def test_unknown_country_and_missing_db_are_one_line_errors(tmp_path, capsys):
    assert main(["query", "--db", str(tmp_path / "none.db")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("catalogue: No catalogue at") and err.count("\n") == 1
    assert main(["query", "--country", "Atlantis"]) == 2
    assert "unknown country" in capsys.readouterr().err


def test_a_country_that_names_none_gets_the_close_ones_as_other_values_do(catalogue_path, capsys):
    for typed, meant in (
        ("Phillipines", "did you mean Philippines (PHL)?"),
        ("Korea", "did you mean Republic of Korea (KOR) or North Korea (PRK)?"),
    ):
        assert main(["query", "--db", str(catalogue_path), "--country", typed]) == 2
        err = capsys.readouterr().err
        assert f"unknown country: {typed!r} ({meant} use a name" in err
    assert main(["query", "--db", str(catalogue_path), "--country", "Xyzzy"]) == 2
    assert "did you mean" not in capsys.readouterr().err


def test_a_kind_is_taken_in_any_case(catalogue_path, capsys):
    # The README says any case; argparse's choices refused "Body".
    assert main(["query", "--db", str(catalogue_path), "--kind", "Body", "--count"]) == 0
    body = int(capsys.readouterr().out)
    assert main(["query", "--db", str(catalogue_path), "--kind", "body", "--count"]) == 0
    assert int(capsys.readouterr().out) == body > 0


def test_info_and_facets(catalogue_path, capsys):
    assert main(["info", "--db", str(catalogue_path)]) == 0
    assert "Diplomatic Bluebook 2023" in capsys.readouterr().out
    assert main(["facets", "countries", "--db", str(catalogue_path), "--domain", "maritime"]) == 0
    assert "VNM" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("option", "written", "value"),
    [
        ("--organisation", "JCG", "jcg"),
        ("--organisation", "Japan Coast Guard", "jcg"),
        ("--region", "ASEAN", "asean"),
        ("--domain", "Maritime", "maritime"),
        ("--document", "ODA-2018", "oda-2018"),
    ],
)
def test_a_value_in_another_case_or_by_its_name_counts_as_its_id(
    catalogue_path, capsys, option, written, value
):
    # Each of these printed "0 entries: Entries naming JCG", as if that were the answer.
    assert main(["query", "--db", str(catalogue_path), option, written, "--count"]) == 0
    by_name = int(capsys.readouterr().out)
    assert main(["query", "--db", str(catalogue_path), option, value, "--count"]) == 0
    assert by_name == int(capsys.readouterr().out) > 0


def test_a_value_that_names_nothing_is_an_error_with_suggestions(catalogue_path, tmp_path, capsys):
    out = tmp_path / "typo.csv"
    args = ["export", "--db", str(catalogue_path), "--domain", "maritme", "-o", str(out)]
    assert main(args) == 2
    assert "unknown domain: 'maritme' (did you mean maritime?" in capsys.readouterr().err
    assert not out.exists()  # no empty CSV that looks like an answer
    assert (
        main(["facets", "--db", str(catalogue_path), "kinds", "--document", "ODA White Paper"]) == 2
    )
    assert "names several: oda-2018, oda-2021" in capsys.readouterr().err


def test_years_the_wrong_way_round_are_an_error(catalogue_path, capsys):
    # 2025 to 1995 matched nothing and printed "0 entries", as if that were the answer.
    args = ["query", "--db", str(catalogue_path), "--year-from", "2025", "--year-to", "1995"]
    assert main(args) == 2
    assert "--year-from 2025 is after --year-to 1995" in capsys.readouterr().err
    assert main([*args[:4], "2020", "--year-to", "2020", "--count"]) == 0


def count_of(catalogue_path, capsys, *options) -> int:
    assert main(["query", "--db", str(catalogue_path), *options, "--count"]) == 0
    return int(capsys.readouterr().out)


def test_a_search_can_leave_a_word_out_or_take_either(catalogue_path, capsys):
    # `--search -piracy` was refused by argparse, and "piracy OR terrorism" found 0.
    everything = count_of(catalogue_path, capsys)
    piracy = count_of(catalogue_path, capsys, "--search", "piracy")
    terrorism = count_of(catalogue_path, capsys, "--search", "terrorism")
    assert count_of(catalogue_path, capsys, "--search", "-piracy") == everything - piracy
    assert count_of(catalogue_path, capsys, "--search=-piracy") == everything - piracy
    either = count_of(catalogue_path, capsys, "--search", "piracy OR terrorism")
    assert max(piracy, terrorism) < either <= piracy + terrorism


def test_search_values_join_their_option_and_nothing_else():
    assert searches_joined(["query", "--search", "-a", "--count"]) == [
        "query",
        "--search=-a",
        "--count",
    ]
    assert searches_joined(["--search"]) == ["--search"]  # argparse then says it lacks a value
    assert searches_joined(["--", "--search", "-a"]) == ["--", "--search", "-a"]
    # An option after it is an option, as before: argparse says the search lacks a value.
    assert searches_joined(["--search", "--count"]) == ["--search", "--count"]
    with pytest.raises(SystemExit):
        main(["query", "--search", "--count"])


def test_a_reader_that_stops_early_gets_no_traceback(catalogue_path):
    process = subprocess.Popen(
        # More than a pipe holds: the writer is still writing when the reader stops.
        [sys.executable, "-m", "app", "query", "--db", str(catalogue_path), "--limit", "9999"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.readline()
    process.stdout.close()  # as `| head -1` does
    err = process.stderr.read().decode()
    process.stderr.close()
    assert process.wait(timeout=60) == 1
    assert err == ""


def test_a_reader_gone_before_the_last_write_gets_no_traceback(catalogue_path, monkeypatch):
    # Output smaller than a pipe is written at exit, where Python printed the traceback.
    class Gone:
        def write(self, text):
            return len(text)

        def flush(self):
            raise BrokenPipeError(32, "Broken pipe")

        def fileno(self):
            return 1

    duplicated = []
    monkeypatch.setattr("app.cli.os.dup2", lambda old, new: duplicated.append(new))
    monkeypatch.setattr(sys, "stdout", Gone())
    assert main(["query", "--db", str(catalogue_path), "--limit", "1"]) == 1
    assert duplicated == [1]  # stdout is /dev/null from here: the flush at exit cannot fail
