"""The fields-of-action page."""

import html

import pytest

from directory.taxonomy import FIELD_IDS, fields_of_action


def _open(app, **params):
    for key, value in params.items():
        app.query_params[key] = value
    app.switch_page("pages/handlungsfelder.py").run()
    assert not app.exception
    return app


def test_lists_all_ten_fields(app):
    _open(app)
    box = app.selectbox(key="feld")
    # plain name first, the programme's name second (unless it is part of the plain one)
    assert list(box.options) == [
        "Überblick: alle 10 Handlungsfelder", "Kita und Kindergarten (Kindertagesstätten)",
        "Schule und Lernen", "Für Jugendliche (Jugendarbeit)",
        "Für Frauen und Mädchen (Integrationsförderung für Frauen und Mädchen)",
        "Arbeit und Ausbildung (Berufliche Eingliederung und Qualifizierung)",
        "Leben im Stadtteil (Soziale Stadt)",
        "Ämter und Dienste für alle (Interkulturelle Öffnung)",
        "Beratung für Zugewanderte (Kooperative Migrationsarbeit)",
        "Vereine und Ehrenamt (Selbstorganisation und Bürgerengagement)",
        "Zusammenarbeit vor Ort (Dialog mit Akteuren im Integrationsprozess)",
    ]  # fmt: skip


@pytest.mark.parametrize("field", fields_of_action(), ids=lambda f: f.id)
def test_motto_and_measures_shown(app, field):
    """The poster's motto and measures, as printed, in blocks marked as German text."""
    _open(app, feld=field.id)
    german = [html.unescape(h.proto.body) for h in app.get("html")
              if h.proto.body.startswith('<div class="atlas-de" lang="de" dir="ltr">')]  # fmt: skip
    text = "\n".join(german)
    assert f"„{field.motto}“" in text
    for measure in field.measures:
        assert f"<li>{measure}</li>" in text


def test_selection_lives_in_url(app):
    _open(app)
    app.selectbox(key="feld").set_value("schule").run()
    assert app.query_params["feld"] in ("schule", ["schule"])


def _table(app, caption: str):
    """The light HTML table labelled ``caption`` as a frame (standard-library parser)."""
    from html.parser import HTMLParser

    import pandas as pd

    body = next(h.proto.body for h in app.get("html") if f'aria-label="{caption}"' in h.proto.body)

    class Cells(HTMLParser):
        def __init__(self):
            super().__init__()
            self.rows: list[list[str]] = []

        def handle_starttag(self, tag, attrs):
            if tag == "tr":
                self.rows.append([])
            elif tag in ("td", "th"):
                self.rows[-1].append("")

        def handle_data(self, data):
            if self.rows and self.rows[-1]:
                self.rows[-1][-1] += data

    parser = Cells()
    parser.feed(body)
    header, *rows = parser.rows
    frame = pd.DataFrame(rows, columns=header)
    return frame.apply(lambda c: pd.to_numeric(c) if c.str.fullmatch(r"\d+").all() else c)


def test_kind_field_matrix_covers_all_fields(app):
    _open(app)
    matrix = _table(app, "Angebote je Handlungsfeld und Art").set_index("Handlungsfeld")
    assert len(matrix) == len(FIELD_IDS)
    assert matrix.iloc[:, -1].sum() > 0  # the default content serves some field
    # Cooperative migration work is served by every counselling kind: most offers.
    assert matrix.iloc[:, -1].idxmax() == "Kooperative Migrationsarbeit"


def test_english_labels(app):
    _open(app, lang="en", feld="beruf")
    assert app.title[0].value == "Fields of action for integration"
    assert app.subheader[0].value == "Vocational integration and qualification"


def test_unknown_field_falls_back_to_the_overview(app):
    _open(app, feld="<script>")
    assert app.selectbox(key="feld").value == ""
    assert "feld" not in app.query_params


def test_opens_on_an_overview_of_all_ten_fields_with_counts(app):
    _open(app)
    overview = _table(app, "Die 10 Handlungsfelder im Überblick")
    assert len(overview) == len(FIELD_IDS)
    assert overview["Angebote"].sum() > 0
    assert overview.set_index("Handlungsfeld").loc["Kooperative Migrationsarbeit",
                                                   "Kreise mit Angebot"].endswith("von 45")
    assert app.subheader[0].value == "Die 10 Handlungsfelder im Überblick"
    assert not any("Leitsatz" in m.value for m in app.markdown)
