"""The network map page (``/netzwerke``) and the start page's map: every selection through
the URL and the widgets, invalid URL values, and the one-click confirmation."""

from __future__ import annotations

import datetime as dt
import html
import re
import time

import pytest
import streamlit as st

from directory.auth import User
from directory.model import AuditLog, Service
from i18n import t


def _open(app, page="pages/netzwerke.py", **params):
    for key, value in params.items():
        app.query_params[key] = value
    app.switch_page(page).run()
    assert not app.exception, app.exception
    return app


def _html(app) -> str:
    return "\n".join(h.proto.body for h in app.get("html"))


def _texts(app) -> str:
    kinds = ("markdown", "caption", "info", "warning", "error", "success", "header", "subheader")
    return " ".join(str(e.value) for kind in kinds for e in getattr(app, kind))


def _frame(app, first_column: str):
    return next(d.value for d in app.dataframe if d.value.columns[0] == first_column
                or d.value.index.name == first_column)


def _tab(app, label: str):
    """Open a tab (the tabs are lazy: only the open one is computed)."""
    app.session_state["n_tab"] = label
    app.run()
    assert not app.exception, app.exception
    return app


def _matrix(app):
    return next(d.value for d in app.dataframe if d.value.index.name == "Kreis")


def _params(app) -> dict:
    return {k: (v[0] if isinstance(v, list) else v) for k, v in app.query_params.items()}


def test_default_view_is_the_whole_state(app):
    _open(app)
    assert app.title[0].value == "Netzwerkkarte"
    assert app.selectbox(key="n_rv").value == "" and app.selectbox(key="n_kreis").value == ""
    assert app.radio(key="n_ebene").value == "netz"
    assert all(app.checkbox(key=f"n_ebene_{k}").value
               for k in ("beratung", "mso", "projekte", "lotsen"))
    assert "Wählen Sie oben einen Regionalverbund" in _texts(app)
    assert "Ganz Niedersachsen" in _texts(app)
    assert not app.dataframe  # lazy tabs and light tables: no data grid on first load
    assert "<td>Asyl e.V.</td>" in _html(app)
    assert any(c.value.startswith("Zeilen 1 bis 25 von ") for c in app.caption)
    legend = _html(app)
    # a network's name is German data, marked as such (the status is UI text)
    for name in ('<span lang="de" dir="auto">Regionalverbund Südniedersachsen</span> '
                 "(Name belegt)",
                 "Fläche schraffiert: Zuständigkeit abgeleitet", "kein Regionalverbund bekannt",
                 "Migrantenselbstorganisationen", "Integrationslotsen"):
        assert name in legend


def test_network_panel_members_matrix_graph_and_freshness(app):
    _open(app, rv="suedniedersachsen")
    panel = _html(app)
    assert "<h3>Regionalverbund Südniedersachsen</h3>" in panel
    assert "Name belegt" in panel and "abgeleitet, nicht amtlich" in panel
    assert "Asyl e.V. (Hildesheim)" in panel  # lead organisation
    assert "Rot: leere Zellen" not in _texts(app)  # coverage tab not computed yet
    assert "Göttingen" in panel and "Hildesheim" in panel
    assert 'href="https://asyl-ev.de/kooperativemigrationsarbeit.html"' in panel
    assert 'rel="noopener noreferrer"' in panel
    assert ("<td>Asyl e.V.</td><td>Mitglied (belegt)</td><td>Federführung</td>"
            in _html(app))
    assert ("<td>Diakonieverband des Ev.-luth. Kirchenkreises Göttingen</td>"
            "<td>Mitglied (belegt)</td>") in _html(app)
    matrix = _matrix(_tab(app, "Abdeckung"))
    assert list(matrix.index) == ["Göttingen", "Hildesheim"]
    assert int((matrix.iloc[:, :-1] == 0).to_numpy().sum()) > 0  # empty cells exist
    assert "Rot: leere Zellen" in _texts(app)
    _tab(app, "Zusammenarbeit")
    assert any("noch keine Kooperation eingetragen" in w.value for w in app.warning)
    assert "<td>Asyl e.V.</td>" in _html(app)  # listed among members without cooperation
    _tab(app, "Aktualität")
    assert "Angeboten sind seit mehr als 365 Tagen" in _texts(app)
    assert _params(app) == {"rv": "suedniedersachsen"}


def test_district_panel_with_network_and_neighbours(app):
    _open(app, kreis="03159")
    panel = _html(app)
    assert "<h3>Göttingen</h3>" in panel
    assert "Regionalverbund Südniedersachsen (Zuständigkeit abgeleitet)" in panel
    assert "Goslar" in panel and "Northeim" in panel  # districts that share a border
    assert list(_matrix(_tab(app, "Abdeckung")).index) == ["Göttingen"]


def test_filters_follow_the_url_and_restrict_the_view(app):
    from directory.query import offers_frame
    from ui.state import directory_store

    _open(app, feld="jugendarbeit", art="jmd", gruppe="jugendliche")
    assert app.selectbox(key="n_feld").value == "jugendarbeit"
    assert app.selectbox(key="n_art").value == "jmd"
    assert app.selectbox(key="n_gruppe").value == "jugendliche"
    frame = offers_frame(directory_store())
    expected = frame[(frame["kind"] == "jmd")
                     & frame["fields"].map(lambda f: "jugendarbeit" in f)
                     & frame["target_groups"].map(lambda g: "jugendliche" in g)]
    caption = next(c.value for c in app.caption if "in dieser Ansicht" in c.value)
    assert caption.startswith(f"{expected['service_id'].nunique()} Angebote")
    app.selectbox(key="n_art").set_value("").run()
    assert "art" not in _params(app) and _params(app)["feld"] == "jugendarbeit"


@pytest.mark.parametrize("level, text", [
    ("region", "Region Weser-Ems"),
    ("dichte", "Einwohnerzahl am 31.12.2024"),
])
def test_levels(app, level, text):
    _open(app, ebene=level)
    assert app.radio(key="n_ebene").value == level
    assert text in _html(app) + _texts(app)


def test_density_legend_names_the_population_source(app):
    _open(app, ebene="dichte", feld="schule")
    assert "Landesamt für Statistik Niedersachsen" in _texts(app)
    assert "je 100.000" in _html(app) and "keine Angebote" in _html(app)
    assert re.search(r"\d+,\d bis \d+,\d je 100\.000", _html(app))  # German decimal comma


def test_density_legend_in_persian_digits(app):
    _open(app, ebene="dichte", feld="schule", lang="fa")
    legend = next(h.proto.body for h in app.get("html") if "atlas-legend" in h.proto.body)
    text = re.sub(r"<[^>]*>", " ", legend)  # the legend's text, without its markup
    assert re.search(r"[۰-۹]+٫[۰-۹] تا [۰-۹]+٫[۰-۹]", text), text
    assert not re.search(r"[0-9]", text), text


def test_layers_switch_on_and_off(app):
    _open(app, ebenen="mso,lotsen")
    states = {k: app.checkbox(key=f"n_ebene_{k}").value
              for k in ("beratung", "mso", "projekte", "lotsen")}
    assert states == {"beratung": False, "mso": True, "projekte": False, "lotsen": True}
    legend = next(h.proto.body for h in app.get("html") if "atlas-legend" in h.proto.body)
    assert "Migrations- und Flüchtlingsberatung" not in legend  # counselling symbols gone
    assert "Migrantenselbstorganisationen" in legend
    app.checkbox(key="n_ebene_lotsen").uncheck().run()
    assert _params(app)["ebenen"] == "mso"
    app.checkbox(key="n_ebene_mso").uncheck().run()
    assert _params(app)["ebenen"] == "keine"
    caption = next(c.value for c in app.caption if "in dieser Ansicht" in c.value)
    assert caption.startswith("0 Angebote")


def test_invalid_url_values_are_dropped_never_raised(app):
    _open(app, rv="<script>alert(1)</script>", kreis="99999", feld="x", art="y",
          gruppe="z", ebene="3d", ebenen="foo", matrix="bar")
    assert any("ungültig" in w.value for w in app.warning)
    assert app.selectbox(key="n_rv").value == "" and app.radio(key="n_ebene").value == "netz"
    assert "<script>" not in _html(app)
    assert "rv" not in _params(app) and "kreis" not in _params(app)


def test_choosing_a_network_then_a_district(app):
    _open(app)
    app.selectbox(key="n_rv").set_value("heide").run()
    assert _params(app) == {"rv": "heide"}
    assert "<h3>Regionalverbund Heide</h3>" in _html(app)
    app.selectbox(key="n_kreis").set_value("03355").run()  # Lüneburg lies in Heide
    assert _params(app) == {"rv": "heide", "kreis": "03355"}
    assert "<h3>Lüneburg</h3>" in _html(app)
    app.selectbox(key="n_rv").set_value("braunschweig").run()  # Lüneburg is not in it
    assert _params(app) == {"rv": "braunschweig"}


def test_matrix_by_kind_and_group(app):
    _tab(_open(app, rv="suedniedersachsen", matrix="art"), "Abdeckung")
    assert app.radio(key="n_matrix").value == "art"
    assert any("Jugendmigrationsdienst (JMD)" in d.value.columns for d in app.dataframe)
    app.radio(key="n_matrix").set_value("gruppe").run()
    assert _params(app)["matrix"] == "gruppe"
    assert any("Frauen" in d.value.columns for d in app.dataframe)


def test_arabic(app):
    _open(app, lang="ar", rv="suedniedersachsen")
    assert app.title[0].value == t("net.title", "ar")
    assert t("net.lead", "ar") in _html(app)


def test_start_page_shows_the_map_and_network_figures(app):
    _open(app, page="pages/start.py")
    assert app.get("html") and "Legende" in _html(app)
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Regionalverbünde (Name belegt)"] == "4 von 10"
    assert metrics["Kreise mit bekanntem Verbund"].endswith("von 45")
    assert metrics["Landkreise und Städte mit Angeboten"] == "45 von 45"  # issue #9: every district
    app.selectbox(key="n_feld").set_value("schule").run()
    assert _params(app) == {"feld": "schule"}
    assert 0 < int(app.metric[0].value) < int(metrics["Angebote"])  # the filter applies


# -- one-click confirmation by a logged-in coordinator -----------------------------------------
@pytest.fixture
def coordinator_site(tmp_path, monkeypatch):
    from directory.auth import create_user
    from directory.editing import Editor
    from directory.networks import ensure_networks
    from directory.seed import Gazetteer
    from directory.store import Store

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'atlas.sqlite'}")
    users = tmp_path / "users.toml"
    monkeypatch.setenv("ATLAS_USERS_FILE", str(users))
    create_user("kim", "richtig-langes-passwort", "coordinator", ("suedniedersachsen",),
                path=users)
    create_user("hei", "richtig-langes-passwort", "coordinator", ("heide",), path=users)
    store = Store()
    store.create_schema()
    ensure_networks(store)
    admin = User("ada", "admin")
    ed = Editor(store, gazetteer=Gazetteer.default())
    o = ed.create("organization", {"name": "Asyl e.V."}, actor=admin)
    loc = ed.create("location", {"organization_id": o["id"], "postal_code": "31135",
                                 "city": "Hildesheim"}, actor=admin)
    sid = ed.create("service", {"organization_id": o["id"], "kind": "mbe",
                                "name": "Beratung Hildesheim"}, actor=admin,
                    location_id=loc["id"])["id"]
    st.cache_resource.clear()
    st.cache_data.clear()
    yield store, sid
    st.cache_resource.clear()
    st.cache_data.clear()
    store.engine.dispose()


def _sign_in(app, user: User) -> None:
    now = time.time()
    app.session_state["auth_user"] = user
    app.session_state["auth_login_at"] = now
    app.session_state["auth_seen_at"] = now
    app.session_state["auth_method"] = "password"


def test_coordinator_confirms_a_stale_entry_with_one_click(app, coordinator_site):
    store, sid = coordinator_site
    _sign_in(app, User("kim", "coordinator", ("suedniedersachsen",)))
    app.session_state["n_tab"] = "Aktualität"
    _open(app, rv="suedniedersachsen")
    app.button(key=f"n_confirm_{sid}").click().run()
    assert not app.exception
    assert any("Bestätigt" in s.value for s in app.success)
    with store.session() as s:
        service = s.get(Service, sid)
        assert service.assured_date == dt.date.today() and service.verification == "verified"
        actions = [a.action for a in s.query(AuditLog).filter_by(record_id=sid)]
    assert actions[-1] == "confirm"
    assert "**0** von 1 Angeboten" in _texts(app)


def test_coordinator_of_another_network_gets_no_confirm_button(app, coordinator_site):
    _, sid = coordinator_site
    _sign_in(app, User("hei", "coordinator", ("heide",)))
    app.session_state["n_tab"] = "Aktualität"
    _open(app, rv="suedniedersachsen")
    assert not [b for b in app.button if b.key == f"n_confirm_{sid}"]
    assert "gehört zu Ihren Regionalverbünden" in _texts(app)


def test_visitor_sees_how_to_confirm(app, coordinator_site):
    _, sid = coordinator_site
    app.session_state["n_tab"] = "Aktualität"
    _open(app, rv="suedniedersachsen")
    assert not [b for b in app.button if b.key == f"n_confirm_{sid}"]
    assert "nach der Anmeldung" in _texts(app)


def test_links_tab_on_the_maintenance_page(app, coordinator_site):
    _sign_in(app, User("kim", "coordinator", ("suedniedersachsen",)))
    _open(app, page="pages/daten.py")
    assert app.selectbox(key="links_net").value == "suedniedersachsen"
    assert "Mitgliedschaften" in _texts(app) and "Kooperationen" in _texts(app)


@pytest.mark.parametrize("level", ["netz", "region", "dichte"])
def test_district_tooltips_in_farsi_mark_german_names_and_use_persian_digits(level):
    """The map's district tooltips (start page and /netzwerke) in Farsi: district, region and
    network names are German data inside ``lang="de"``, the numbers are written ۰-۹, and
    whatever else the tooltip says is Farsi (no German word, no Western digit)."""
    import pandas as pd

    from directory.network_view import NetworkQuery
    from geo import maps
    from ui.netzwerke import Context, district_frame, tooltips

    districts = district_frame()
    ags = list(districts["ags"])
    ctx = Context(
        networks=pd.DataFrame({"network_id": ["n1"], "name": ["Netzwerk Süd <b>"]}),
        assignments=pd.DataFrame({"district_ags": ags,
                                  "network_id": ["n1"] + [None] * (len(ags) - 1),
                                  "status": ["verified"] + ["unknown"] * (len(ags) - 1)}),
        memberships=pd.DataFrame(), cooperations=pd.DataFrame(),
    )  # fmt: skip
    dens = pd.DataFrame({"count": range(len(ags)), "per_100k": [1234.56] * len(ags)},
                        index=ags)  # fmt: skip
    tips = tooltips(NetworkQuery(level=level), ctx, dens, "fa")
    span = '<span lang="de" dir="auto">'
    for a, name, region in zip(ags, districts["name"], districts["region"], strict=True):
        shown = maps.tip_html(tips[a])
        assert f"{span}{html.escape(name)}</span>" in shown
        farsi = re.sub(f"{span}.*?</span>", "", shown)
        assert not re.search(r"[0-9]|[A-Za-zÄÖÜäöüß]{3,}", farsi), farsi
        if level == "region":
            assert f"{span}{html.escape(region)}</span>" in shown
    first = maps.tip_html(tips[ags[0]])
    if level == "netz":
        assert f"{span}Netzwerk Süd &lt;b&gt;</span>" in first
    if level == "dichte":
        assert "۱٬۲۳۴٫۶" in first and "۱" in maps.tip_html(tips[ags[1]])


@pytest.mark.parametrize("page", ["pages/start.py", "pages/netzwerke.py"])
def test_map_in_farsi_says_its_language_and_marks_district_names(app, page):
    """The map the page sends (st_folium's script): the document's language, the scale's
    digits, and the district tooltips with their names marked ``lang="de"``."""
    import json

    from jinja2.utils import htmlsafe_json_dumps

    _open(app, page, lang="fa")
    (script,) = [json.loads(c.proto.json_args)["script"]
                 for c in app.get("component_instance")]  # fmt: skip
    assert 'document.documentElement.lang = "fa"' in script
    assert f"var digits = {htmlsafe_json_dumps('۰۱۲۳۴۵۶۷۸۹')}" in script
    marked = htmlsafe_json_dumps('<span lang="de" dir="auto">Braunschweig</span>')[1:-1]
    assert marked in script
