"""The gap page ("Versorgungslücken") with AppTest: parameters, URL state, what-if, upload."""

from __future__ import annotations

import pytest

from i18n import t


def _open(app, **params):
    for key, value in params.items():
        app.query_params[key] = value
    app.switch_page("pages/luecken.py").run()
    assert not app.exception, app.exception[0].message if app.exception else ""
    return app


def _text(app) -> str:
    parts = [m.value for m in app.markdown] + [c.value for c in app.caption]
    parts += [str(getattr(h, "value", "")) for h in (*app.subheader, *app.header)]
    return "\n".join(parts)


def _params(app) -> dict:
    return {k: (v[-1] if isinstance(v, list) else v) for k, v in app.query_params.items()}


def test_jugendarbeit_25_km_districts_places_and_sites(app):
    _open(app, feld="jugendarbeit", r="25", k="3")
    assert app.title[0].value == t("luecken.title", "de")
    districts, spots, sites = (d.value for d in app.dataframe[:3])
    assert len(districts) == 45 and "Einwohner weiter als 25 km" in districts.columns
    assert districts["Einwohner weiter als 25 km"].sum() > 0
    assert len(spots) == 20  # the ranked white spots
    methods = set(sites[t("luecken.col.method", "de")])
    assert methods == {t("luecken.method.greedy", "de"), t("luecken.method.exact", "de")}
    assert (sites[t("luecken.col.rank", "de")] <= 3).all()
    text = _text(app)
    assert "Genaues Optimum" in text and "bewiesen" in text
    assert app.slider(key="g_r").value == 25 and app.selectbox(key="g_feld").value == (
        "jugendarbeit")  # fmt: skip
    labels = {b.label for b in app.get("download_button")}
    assert t("luecken.download_html", "de") in labels and t("luecken.download_xlsx", "de") in labels


def test_invalid_url_values_are_dropped_with_a_note(app):
    _open(app, feld="<script>", r="7", k="99", neu="abc", ohne="<x>", nachfrage="x")
    assert app.warning and app.warning[0].value == t("finder.dropped", "de")
    assert app.selectbox(key="g_feld").value == "" and app.slider(key="g_r").value == 25
    assert app.slider(key="g_k").value == 3


def test_empty_result_says_so(app):
    _open(app, art="welcome_center", gruppe="frauen")
    assert any(t("luecken.no_offices", "de", km="25") == i.value for i in app.info)
    districts = app.dataframe[0].value
    assert (districts["Anteil weiter als 25 km (%)"] == 100).all()


def test_widgets_write_the_url_and_what_if_by_place_name(app):
    _open(app, feld="jugendarbeit")
    app.slider(key="g_r").set_value(50).run()
    assert _params(app)["r"] == "50"
    before = app.dataframe[0].value["Einwohner weiter als 50 km"].sum()
    app.text_input(key="g_add_q").input("Celle")
    app.button[[b.label for b in app.button].index(t("luecken.add_button", "de"))].click().run()
    assert not app.exception
    assert _params(app)["neu"].startswith("52.6")
    after = app.dataframe[0].value["Einwohner weiter als 50 km"].sum()
    assert after < before
    undo = [b for b in app.button if b.label.startswith("Gedachte Beratungsstelle bei")]
    undo[0].click().run()
    assert "neu" not in _params(app)


def test_upload_choice_in_english_uses_population_until_a_file_comes(app):
    _open(app, nachfrage="upload", lang="en")
    assert any(t("luecken.upload_missing", "en") == i.value for i in app.info)
    assert app.title[0].value == "Gaps in provision"


@pytest.mark.parametrize("lang", ["ar", "uk"])
def test_other_languages_render(app, lang):
    _open(app, lang=lang, feld="beruf", abfall="gauss", kennzahl="zugang")
    assert app.title[0].value == t("luecken.title", lang)


def test_data_text_in_button_labels_is_not_markdown():
    from ui.gaps import plain

    assert plain("[x](javascript:alert(1)) **b** :red[x]") == (
        "\\[x\\]\\(javascript\\:alert\\(1\\)\\) \\*\\*b\\*\\* \\:red\\[x\\]")  # fmt: skip
    assert plain("Göttingen") == "Göttingen"


def test_map_tooltips_in_farsi_mark_german_names_and_use_persian_digits():
    """The gap maps' tooltips in Farsi: place and district names are German data inside
    ``lang="de"``, figures and distances are written ۰-۹, the rest is Farsi."""
    import html
    import re

    import pandas as pd

    from geo import maps
    from ui.gaps import PLACE_TIP_GERMAN, district_tips, place_tips

    span = '<span lang="de" dir="auto">'
    places = pd.DataFrame({"name": ["Bad Bentheim", "<b>Ort</b>"],
                           "district": ["Grafschaft Bentheim", "Celle"],
                           "distance_km": [12.34, float("nan")],
                           "inhabitants": [15321, 0]})  # fmt: skip
    template, values = place_tips(places, "fa")
    assert set(PLACE_TIP_GERMAN) == {"place", "district"} and set(values) >= {"place", "km"}
    assert values["place"] == ["Bad Bentheim", "<b>Ort</b>"]
    assert values["km"] == ["۱۲٫۳", "–"] and values["n"] == ["۱۵٬۳۲۱", "۰"]
    farsi = [re.sub(r"\{\w+\}", "", template)]
    districts = pd.DataFrame({"ags": ["03351", "03101"], "name": ["Celle", "<b>"]})
    tips = [maps.tip_html(x) for x in district_tips(
        districts, {"03351": 0.4567, "03101": 12.0}, "fa", 1, " %")]  # fmt: skip
    assert tips == [f"{span}Celle</span>: ۰٫۵ %", f"{span}{html.escape('<b>')}</span>: ۱۲٫۰ %"]
    farsi += [re.sub(f"{span}.*?</span>", "", tip) for tip in tips]
    for text in farsi:
        assert not re.search(r"[0-9]|[A-Za-zÄÖÜäöüß]{3,}", text), text


def test_maps_in_farsi_say_their_language_and_mark_german_names(app):
    """Both maps of the page (st_folium's scripts) in Farsi: the document's language, the
    district names in the choropleth's tooltips marked ``lang="de"``, and the place map's
    tooltip template in Farsi with its names flagged German and its figures in ۰-۹."""
    import json
    import re

    from jinja2.utils import htmlsafe_json_dumps

    _open(app, lang="fa", feld="beruf")
    scripts = [json.loads(c.proto.json_args)["script"] for c in app.get("component_instance")]
    assert len(scripts) == 2
    assert all('document.documentElement.lang = "fa"' in s for s in scripts)
    marked = htmlsafe_json_dumps('<span lang="de" dir="auto">Braunschweig</span>')[1:-1]
    assert marked in scripts[0]
    payloads = [json.loads(d) for d in re.findall(r"var d = (\{.*\});$", scripts[1], re.M)]
    (dots,) = [d for d in payloads if "fields" in d]
    assert dots["fields"] == ["place", "district", "km", "n"]
    assert dots["german"] == [True, True, False, False]
    assert len(dots["lat"]) > 1000 and "Braunschweig" in dots["values"][1]
    figures = dots["values"][2] + dots["values"][3]
    assert not any(re.search("[0-9]", v) for v in figures) and re.search("[۰-۹]", figures[0])
    farsi = re.sub(r"\{\w+\}", "", dots["tip"])
    assert farsi.strip() and not re.search(r"[0-9]|[A-Za-zÄÖÜäöüß]{3,}", farsi), dots["tip"]


def test_key_figures_in_farsi_write_persian_digits_and_percent_sign(app):
    import re

    _open(app, lang="fa", feld="jugendarbeit", r="25")
    figures = next(h.proto.body for h in app.get("html")
                   if t("luecken.fig.offices", "fa") in h.proto.body)  # fmt: skip
    text = re.sub(r"<[^>]+>", " ", figures)
    assert "٪" in text and re.search("[۰-۹]", text)
    assert not re.search("[0-9]", text), text
    assert t("card.distance", "fa", km="")[1:].strip() in text  # the unit in Persian, not "km"
