"""Pure HR logic: which reminder step applies on a day, chart geometry, spreadsheet
cells, reading an import file (no database)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from academy.hr.charts import ROW, WIDTH, completion_bars, week_columns
from academy.hr.exports import csv_cell, csv_lines
from academy.hr.imports import read
from academy.hr.reminders import due_step, overdue_round


@pytest.mark.parametrize(
    ("days_left", "step"),
    [(15, None), (14, 14), (10, 14), (4, 14), (3, 3), (1, 3), (0, 0), (-1, None)],
)
def test_due_step_is_the_nearest_configured_day_not_passed(days_left, step):
    assert due_step(days_left, (14, 3, 0)) == step


def test_due_step_without_configured_days():
    assert due_step(0, ()) is None


@pytest.mark.parametrize(
    ("days_over", "every", "round_"),
    [(0, 7, None), (1, 7, 0), (7, 7, 0), (8, 7, 1), (15, 7, 2), (5, 0, None), (3, 1, 2)],
)
def test_overdue_round_counts_weeks_after_the_due_date(days_over, every, round_):
    assert overdue_round(days_over, every) == round_


def test_completion_bars_put_the_lowest_first_and_scale_to_the_width():
    chart = completion_bars([("Vertrieb", 80), ("IT", 20), ("Einkauf", 100), ("Neu", 0)])
    assert [b.label for b in chart.bars] == ["Neu", "IT", "Vertrieb", "Einkauf"]
    assert [b.width for b in chart.bars] == [0, WIDTH * 0.2, WIDTH * 0.8, WIDTH]
    assert [b.y for b in chart.bars] == [0, ROW, 2 * ROW, 3 * ROW]
    assert chart.height == 4 * ROW


def test_long_department_names_are_shortened_in_the_chart():
    (bar,) = completion_bars([("Abteilung für sehr lange Namen und noch mehr Worte", 50)]).bars
    assert bar.label.endswith("…") and len(bar.label) <= 32


def test_week_columns_scale_to_the_busiest_week_and_label_every_fourth():
    monday = date(2026, 11, 2)
    weeks = [(monday + timedelta(weeks=w), count) for w, count in enumerate([0, 2, 4, 1, 0])]
    chart = week_columns(weeks)
    assert chart.top == 4
    heights = [c.height for c in chart.columns]
    assert heights[2] == chart.plot_bottom - chart.plot_top and heights[0] == 0
    assert heights[1] == pytest.approx(heights[2] / 2)
    assert [c.labelled for c in chart.columns] == [True, False, False, False, True]
    assert all(c.x + c.width <= chart.width for c in chart.columns)


def test_csv_cells_neutralise_formulas_and_write_iso_dates():
    assert [csv_cell(v) for v in ("=1+1", "+49", "-2", "@A1", "\tx", "\rx")] == [
        "'=1+1", "'+49", "'-2", "'@A1", "'\tx", "'\rx",
    ]  # fmt: skip
    assert csv_cell("Anna") == "Anna" and csv_cell(-2) == "-2"  # numbers are not text
    assert csv_cell(date(2027, 3, 31)) == "2027-03-31" and csv_cell(None) == ""


def test_csv_file_starts_with_a_bom_and_uses_semicolons():
    text = "".join(csv_lines(["a", "b"], [["x;y", date(2027, 1, 2)]]))
    assert text == '\ufeffa;b\r\n"x;y";2027-01-02\r\n'


def lines(problems) -> list[int]:
    return [p.line for p in problems]


def test_read_accepts_commas_or_semicolons_with_or_without_bom():
    comma = b"email,name,department\nanna@firma.example,Anna,Vertrieb\n"
    semicolon = "\ufeffemail;name;department\r\nanna@firma.example;Anna;Vertrieb\r\n".encode()
    for data in (comma, semicolon):
        rows, problems = read(data)
        assert problems == [] and [(r.email, r.name, r.department) for r in rows] == [
            ("anna@firma.example", "Anna", "Vertrieb")
        ]
        assert rows[0].location is None  # the column is not in the file: leave it alone


def test_read_reports_problems_with_their_lines():
    data = (
        b"email,name,department,roles,language\n"
        b"anna@firma.example,Anna,Vertrieb,,\n"
        b"\n"
        b"kaputt,Bernd,Vertrieb,,\n"
        b"carla@firma.example,Carla,,boss,fr\n"
        b"ANNA@firma.example,Anna,Vertrieb,,\n"
    )
    rows, problems = read(data)
    assert lines(problems) == [4, 5, 5, 5, 6]
    assert [r.line for r in rows] == [2, 6]


def test_read_counts_lines_of_quoted_cells_that_span_lines():
    data = b'email,name,department\nanna@firma.example,Anna Berg,"Vertrieb\nNord"\nkaputt,Bo,V\n'
    _rows, problems = read(data)
    assert lines(problems) == [4]


def test_read_refuses_a_name_across_lines():
    """A name is one line (it goes into mails and onto certificates; issue 12)."""
    data = b'email,name,department\nanna@firma.example,"Anna\nBerg",Vertrieb\n'
    rows, problems = read(data)
    assert rows == [] and len(problems) == 1 and "eine Zeile" in str(problems[0].message)


def test_read_refuses_a_file_without_header_or_in_another_encoding():
    assert lines(read(b"")[1]) == [1]
    assert lines(read(b"email,name\nx,y\n")[1]) == [1]  # department missing
    latin = "email,name,department\nanna@firma.example,Jörg,Vertrieb\n".encode("latin-1")
    assert lines(read(latin)[1]) == [2]
