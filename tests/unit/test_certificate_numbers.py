from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from academy.certificates import numbers
from academy.certificates.services import add_months


def test_number_format_and_entropy():
    seen = {numbers.new_number("KIA") for _ in range(2000)}
    assert len(seen) == 2000
    for number in list(seen)[:50]:
        prefix, *groups = number.split("-")
        assert prefix == "KIA" and len(groups) == 4 and all(len(g) == 4 for g in groups)
        assert not set("".join(groups)) & set("ILOU")


@given(st.text(alphabet=numbers.ALPHABET, min_size=16, max_size=16))
def test_normalize_round_trips_and_forgives_typing(body):
    number = "KIA-" + "-".join(body[i : i + 4] for i in range(0, 16, 4))
    assert numbers.normalize(number) == number
    sloppy = number.lower().replace("-", " ").replace("0", "o").replace("1", "i")
    assert numbers.normalize(sloppy) == number


@pytest.mark.parametrize(
    "text", ["", "KIA", "KIA-0000-0000-0000", "KIA-0000-0000-0000-000U", "<script>"]
)
def test_normalize_rejects_non_numbers(text):
    assert numbers.normalize(text) is None


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 11, 29), 12, date(2027, 11, 29)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2026, 12, 15), 2, date(2027, 2, 15)),
    ],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected
