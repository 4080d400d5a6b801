"""The 10 fields of action are exactly as printed in the state's poster series."""

import re

import pytest

from directory.taxonomy import DATA_DIR, FIELD_IDS, fields_of_action

SOURCE = DATA_DIR / "sources" / "integration-in-niedersachsen.txt"


def _normalise(text: str) -> str:
    """Join the poster's line breaks: drop bold markers, rejoin words hyphenated at a line
    end (but keep the hyphen before "und"/"oder", as in "Sprach- und"), fold white space."""
    text = text.replace("**", "")
    text = re.sub(r"(\w)-\n(?!und |oder )(?=[a-zäöüß])", r"\1", text)
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def poster_text() -> str:
    return _normalise(SOURCE.read_text(encoding="utf-8"))


def test_ten_fields_with_stable_unique_ids():
    assert len(FIELD_IDS) == 10
    assert len(set(FIELD_IDS)) == 10
    assert FIELD_IDS[0] == "kita" and FIELD_IDS[-1] == "dialog"


@pytest.mark.parametrize("field", fields_of_action(), ids=lambda f: f.id)
def test_field_text_is_verbatim(field, poster_text):
    assert field.measures, "every field has measures"
    for text in (field.title, field.motto, *field.measures):
        assert text in poster_text, f"not in the poster text: {text!r}"


def test_motto_stands_in_quotes_in_the_source(poster_text):
    for field in fields_of_action():
        assert f"„{field.motto}“" in poster_text


def test_measure_counts():
    counts = {f.id: len(f.measures) for f in fields_of_action()}
    assert counts == {
        "kita": 5, "schule": 5, "jugendarbeit": 4, "frauen_maedchen": 4, "beruf": 4,
        "soziale_stadt": 4, "interkulturelle_oeffnung": 5, "kooperative_migrationsarbeit": 4,
        "selbstorganisation": 3, "dialog": 3,
    }  # fmt: skip
