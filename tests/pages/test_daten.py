"""The maintenance page ``daten``: login, session expiry, editing, history, permissions.

Each test gets its own SQLite store (two offers: Hildesheim → network suedniedersachsen,
Celle → heide) and its own accounts file; the app's cached store/editor are reset around it.
"""

from __future__ import annotations

import re
import time

import pytest
import streamlit as st
from sqlalchemy import func, select

from directory import auth
from directory.auth import User, create_user
from directory.editing import Editor, PermissionDenied
from directory.model import AuditLog
from directory.networks import ensure_networks
from directory.store import Store
from geo.gazetteer import Gazetteer
from i18n import t

PASSWORD = "richtig-langes-passwort"
ADMIN = User("ada", "admin")


@pytest.fixture
def site(tmp_path, monkeypatch):
    """(store, {"own": service id, "other": service id}) behind a fresh app state."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'atlas.sqlite'}")
    users = tmp_path / "users.toml"
    monkeypatch.setenv("ATLAS_USERS_FILE", str(users))
    create_user("ada", PASSWORD, "admin", path=users)
    create_user("kim", PASSWORD, "coordinator", ("suedniedersachsen",), path=users)
    auth.THROTTLE.failures.clear()
    store = Store()
    store.create_schema()
    ensure_networks(store)
    ed = Editor(store, gazetteer=Gazetteer.default())
    ids = {}
    for tag, org, plz, city in (("own", "Asyl e.V.", "31135", "Hildesheim"),
                                ("other", "Diakonie Celle", None, "Celle")):  # fmt: skip
        o = ed.create("organization", {"name": org}, actor=ADMIN)
        loc = ed.create("location", {"organization_id": o["id"], "postal_code": plz,
                                     "city": city}, actor=ADMIN)  # fmt: skip
        ids[tag] = ed.create("service", {"organization_id": o["id"], "kind": "mbe",
                                         "name": f"Beratung {city}"},
                             actor=ADMIN, location_id=loc["id"])["id"]  # fmt: skip
    st.cache_resource.clear()
    st.cache_data.clear()
    yield store, ids
    st.cache_resource.clear()
    st.cache_data.clear()
    auth.THROTTLE.failures.clear()
    store.engine.dispose()


def _audit(store: Store) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(AuditLog))


def _open(app):
    app.switch_page("pages/daten.py").run()
    assert not app.exception
    return app


def _login(app, name: str, password: str = PASSWORD, lang: str = "de"):
    app.text_input(key="login_username").input(name)
    app.text_input(key="login_password").input(password)
    next(b for b in app.button if b.label == t("auth.login", lang)).click().run()
    assert not app.exception
    return app


def _frame(app, column: str):
    return next(d.value for d in app.dataframe if column in d.value.columns)


def _unescape(text: str) -> str:
    """What a reader sees of an escaped markdown text (``ui.forms.plain``)."""
    return re.sub(r"\\(.)", r"\1", str(text))


def _texts(app) -> str:
    parts = [e.value for kind in ("markdown", "caption", "info", "warning", "error", "success")
             for e in getattr(app, kind)]  # fmt: skip
    return " ".join(_unescape(p) for p in parts)


def _errors(app) -> list[str]:
    return [_unescape(e.value) for e in app.error]


def test_without_login_only_the_login_form(app, site):
    _open(app)
    assert app.text_input(key="login_username") is not None
    assert len(app.dataframe) == 0
    assert "Beratung" not in _texts(app)
    assert "anmelden" in _texts(app)


def test_wrong_password_message_and_nothing_changes(app, site):
    store, _ = site
    _open(app)  # the first run imports the accounts file into the store (audited)
    before = _audit(store)
    _login(app, "ada", "falsches-passwort")
    assert "Benutzername oder Passwort ist falsch." in _texts(app)
    assert len(app.dataframe) == 0 and "auth_user" not in app.session_state
    assert _audit(store) == before


def test_throttled_after_repeated_failures(app, site):
    _open(app)
    for _ in range(4):
        _login(app, "ada", "falsch-falsch-falsch")
    assert "Zu viele Fehlversuche" in _texts(app)
    _login(app, "ada")  # even the right password waits while throttled
    assert "auth_user" not in app.session_state


def test_login_shows_list_and_logout(app, site):
    _login(_open(app), "ada")
    assert "Angemeldet als ada" in _texts(app)
    names = list(app.dataframe[0].value.iloc[:, 0])
    assert names == ["Beratung Celle", "Beratung Hildesheim"]
    app.button(key="logout").click().run()
    assert "Sie sind abgemeldet." in _texts(app)
    assert len(app.dataframe) == 0


def test_edit_saves_and_appears_in_history(app, site):
    store, ids = site
    _login(_open(app), "ada")
    app.selectbox(key="daten_pick").set_value(ids["own"]).run()
    box = app.text_input(key=f"daten_f_service_{ids['own']}_1_name")
    assert box.value == "Beratung Hildesheim"
    box.input("Migrationsberatung Hildesheim")
    app.text_input(key=f"daten_f_service_{ids['own']}_1_email").input("info@asyl.example")
    next(b for b in app.button if b.label == "Speichern").click().run()
    assert not app.exception
    assert "Gespeichert." in _texts(app)
    with store.session() as s:
        from directory.model import Service

        svc = s.get(Service, ids["own"])
        assert (svc.name, svc.email, svc.version) == ("Migrationsberatung Hildesheim",
                                                       "info@asyl.example", 2)  # fmt: skip
    history = _frame(app, "nachher")
    assert "Migrationsberatung Hildesheim" in set(history["nachher"])
    assert "Beratung Hildesheim" in set(history["vorher"])
    # the form now holds version 2
    assert app.text_input(key=f"daten_f_service_{ids['own']}_2_name").value == (
        "Migrationsberatung Hildesheim")


def test_validation_error_shown_at_the_field_and_nothing_saved(app, site):
    store, ids = site
    _login(_open(app), "ada")
    app.selectbox(key="daten_pick").set_value(ids["own"]).run()
    before = _audit(store)
    app.text_input(key=f"daten_f_service_{ids['own']}_1_email").input("keine-mail")
    next(b for b in app.button if b.label == "Speichern").click().run()
    assert not app.exception
    assert any("E-Mail-Adresse „keine-mail“ ist ungültig." in e for e in _errors(app))
    assert _audit(store) == before
    # the typed value is kept for correction
    assert app.text_input(key=f"daten_f_service_{ids['own']}_1_email").value == "keine-mail"


def test_conflict_shows_both_versions(app, site):
    store, ids = site
    _login(_open(app), "ada")
    app.selectbox(key="daten_pick").set_value(ids["own"]).run()
    # someone else saves first
    Editor(store).edit("service", ids["own"], {"name": "Fassung B"}, actor=ADMIN,
                       expected_version=1)  # fmt: skip
    app.text_input(key=f"daten_f_service_{ids['own']}_1_name").input("Fassung A")
    next(b for b in app.button if b.label == "Speichern").click().run()
    assert not app.exception
    assert any("Nicht gespeichert" in e for e in _errors(app))
    both = _frame(app, "Ihre Fassung")
    assert list(both.iloc[0]) == ["Name", "Fassung B", "Fassung A"]
    assert Editor(store).load("service", ids["own"])["name"] == "Fassung B"
    app.button(key="daten_reload").click().run()
    assert app.text_input(key=f"daten_f_service_{ids['own']}_2_name").value == "Fassung B"


def test_still_correct_and_restore_version(app, site):
    store, ids = site
    _login(_open(app), "ada")
    app.selectbox(key="daten_pick").set_value(ids["own"]).run()
    app.button(key="daten_confirm").click().run()
    assert "Als geprüft markiert (heute)." in _texts(app)
    state = Editor(store).load("service", ids["own"])
    assert state["verification"] == "verified" and state["assured_date"] is not None
    first = Editor(store).history("service", ids["own"])[0].audit_id
    app.selectbox(key="daten_version").set_value(first).run()
    app.button(key="daten_restore_version").click().run()
    assert not app.exception
    state = Editor(store).load("service", ids["own"])
    assert (state["version"], state["verification"], state["assured_date"]) == (
        3, "unverified", None)  # fmt: skip


def test_expired_session_logs_out_with_message(app, site):
    _login(_open(app), "ada")
    assert "auth_user" in app.session_state
    long_ago = time.time() - 9 * 3600
    app.session_state["auth_login_at"] = long_ago
    app.session_state["auth_seen_at"] = long_ago
    app.run()
    assert "Sitzung abgelaufen" in _texts(app)
    assert len(app.dataframe) == 0
    assert app.text_input(key="login_username") is not None


def test_coordinator_cannot_edit_outside_network(app, site):
    store, ids = site
    _login(_open(app), "kim")
    # the list opens on the coordinator's own network; "all" shows the others too
    assert list(app.dataframe[0].value.iloc[:, 0]) == ["Beratung Hildesheim"]
    assert app.selectbox(key="daten_net").value == "__own__"
    app.selectbox(key="daten_net").set_value(None).run()
    assert list(app.dataframe[0].value.iloc[:, 0]) == ["Beratung Celle", "Beratung Hildesheim"]
    app.selectbox(key="daten_pick").set_value(ids["other"]).run()
    assert "nur ansehen" in _texts(app)
    name = app.text_input(key=f"daten_f_service_{ids['other']}_1_name")
    assert name.disabled
    save = next(b for b in app.button if b.label == "Speichern")
    assert save.disabled and app.button(key="daten_confirm").disabled
    assert app.button(key="daten_retire").disabled
    # (a forged request is refused by the domain too: tests/directory/test_editing.py)
    with pytest.raises(PermissionDenied):
        Editor(store).edit("service", ids["other"], {"name": "x"},
                           actor=app.session_state["auth_user"], expected_version=1)
    # own network: editable
    app.selectbox(key="daten_pick").set_value(ids["own"]).run()
    assert not app.text_input(key=f"daten_f_service_{ids['own']}_1_name").disabled


def test_coordinator_network_assignment_limited_to_own_districts(app, site):
    _login(_open(app), "kim")
    options = app.selectbox(key="daten_net_district").options
    assert any("03254" in o for o in options)  # Hildesheim: own network
    assert not any("03351" in o for o in options)  # Celle: network heide


def test_retire_and_restore_offer(app, site):
    store, ids = site
    _login(_open(app), "ada")
    app.selectbox(key="daten_pick").set_value(ids["own"]).run()
    app.button(key="daten_retire").click().run()
    assert not app.exception
    assert Editor(store).load("service", ids["own"])["retired_at"] is not None
    assert list(app.dataframe[0].value.iloc[:, 0]) == ["Beratung Celle"]
    app.checkbox(key="daten_retired").check().run()
    app.selectbox(key="daten_pick").set_value(ids["own"]).run()
    assert app.button(key="daten_retire").label == "Wiederherstellen"
    app.button(key="daten_retire").click().run()
    assert Editor(store).load("service", ids["own"])["retired_at"] is None


def test_retire_and_restore_location_hides_and_shows_its_offer(app, site):
    from directory.query import offers_frame

    store, ids = site
    loc = Editor(store).records("location", text="Hildesheim")["id"][0]
    _login(_open(app), "kim")
    app.radio(key="daten_table").set_value("location").run()
    app.selectbox(key="daten_pick").set_value(loc).run()
    assert app.button(key="daten_retire").label == "Zurückziehen"
    app.button(key="daten_retire").click().run()
    assert not app.exception
    assert Editor(store).load("location", loc)["version"] == 2
    assert ids["own"] not in set(offers_frame(store)["service_id"])
    assert loc not in set(app.selectbox(key="daten_pick").options)
    app.checkbox(key="daten_retired").check().run()
    app.selectbox(key="daten_pick").set_value(loc).run()
    assert "zurückgezogen am" in set(_frame(app, "nachher")["Feld"])
    app.button(key="daten_retire").click().run()
    assert not app.exception
    assert ids["own"] in set(offers_frame(store)["service_id"])
    assert [c.action for c in Editor(store).history("location", loc)] == ["insert", "retire",
                                                                          "unretire"]  # fmt: skip


def test_create_offer_and_switch_tables(app, site):
    store, _ = site
    _login(_open(app), "kim")
    app.selectbox(key="daten_pick").set_value("__new__").run()
    ed = Editor(store)
    loc = ed.records("location", text="Hildesheim")["id"][0]
    org = ed.records("organization", text="Asyl")["id"][0]
    app.selectbox(key="daten_new_location").set_value(loc)
    prefix = "daten_f_service___new___0"
    app.text_input(key=f"{prefix}_name").input("Sprachcafé")
    app.selectbox(key=f"{prefix}_organization_id").set_value(org)
    app.selectbox(key=f"{prefix}_kind").set_value("projekt")
    next(b for b in app.button if b.label == "Speichern").click().run()
    assert not app.exception
    assert "Angelegt." in _texts(app)
    assert "Sprachcafé" in set(Editor(store).records("service")["name"])
    for table in ("organization", "location", "service"):
        app.radio(key="daten_table").set_value(table).run()
        assert not app.exception


def test_oidc_email_maps_to_account(site, tmp_path):
    from ui.auth import user_for_email

    users = auth.users_file()
    users.write_text(users.read_text().replace(
        '[users."kim"]\n', '[users."kim"]\nemail = "Kim@Example.org"\n'))  # fmt: skip
    assert user_for_email("kim@example.org") == User("kim", "coordinator",
                                                     ("suedniedersachsen",))  # fmt: skip
    assert user_for_email("other@example.org") is None
    assert user_for_email(None) is None


OIDC = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
        "client_id": "atlas", "client_secret": "s",
        "server_metadata_url": "https://idp.example/.well-known/openid-configuration"}  # fmt: skip


def test_password_only_without_oidc_config(app, site):
    _open(app)
    assert not any(b.label == "Mit Single Sign-on anmelden" for b in app.button)


def test_oidc_login_maps_email_to_account(app, site):
    users = auth.users_file()
    users.write_text(users.read_text().replace(
        '[users."kim"]\n', '[users."kim"]\nemail = "kim@example.org"\n'))  # fmt: skip
    app.secrets["auth"] = OIDC
    app.user = {"is_logged_in": False}
    _open(app)
    assert any(b.label == "Mit Single Sign-on anmelden" for b in app.button)
    app.user = {"is_logged_in": True, "email": "kim@example.org", "email_verified": True}
    app.run()
    assert not app.exception
    assert "Angemeldet als kim (Koordination)" in _texts(app)
    assert len(app.dataframe) > 0


def test_oidc_unknown_email_gets_no_access(app, site):
    app.secrets["auth"] = OIDC
    app.user = {"is_logged_in": True, "email": "fremd@example.org", "email_verified": True}
    _open(app)
    assert any("kein Konto" in e for e in _errors(app))
    assert len(app.dataframe) == 0


# -- import: mapping, commit, messages in the UI language ---------------------------------------
MAPPING_CSV = ("Angebotstitel;Träger;Art;PLZ;Telefon\n"
               "Sprachcafé Hildesheim;Asyl e.V.;projekt;31135;05121 123456\n").encode()  # fmt: skip


def _upload(app, name: str, data: bytes, mime: str = "text/csv"):
    state = app.session_state
    gen = state["daten_upload_gen"] if "daten_upload_gen" in state else 0  # noqa: SIM401
    app.file_uploader(key=f"daten_upload_{gen}").set_value((name, data, mime)).run()
    assert not app.exception
    return app


def _mapping_boxes(app) -> dict:
    return {_unescape(b.label): b for b in app.selectbox
            if (b.key or "").startswith("daten_map_")}  # fmt: skip


def test_import_mapping_corrected_by_hand_then_committed(app, site):
    store, _ = site
    _upload(_login(_open(app), "ada"), "liste.csv", MAPPING_CSV)
    # "Angebotstitel" is not recognised: refused, but the detected mapping is shown
    assert any("Pflichtspalten fehlen: Name" in e for e in _errors(app))
    assert app.button(key="daten_commit").disabled
    boxes = _mapping_boxes(app)
    assert {h: b.value for h, b in boxes.items()} == {
        "Angebotstitel": "", "Träger": "organization", "Art": "kind", "PLZ": "postal_code",
        "Telefon": "phone"}  # fmt: skip
    assert boxes["Angebotstitel"].format_func("") == "(nicht übernommen)"
    apply = "Zuordnung anwenden"
    boxes["Angebotstitel"].set_value("organization")  # a slip: "Träger" is that already
    next(b for b in app.button if b.label == apply).click().run()
    assert any("meinen beide „Träger“" in e for e in _errors(app))
    assert _mapping_boxes(app)["Angebotstitel"].value == "organization"  # kept to correct
    boxes = _mapping_boxes(app)
    boxes["Angebotstitel"].set_value("name")
    boxes["Telefon"].set_value("")  # ignore the phone column
    next(b for b in app.button if b.label == apply).click().run()
    assert not app.exception
    assert not app.error
    assert "1 Zeilen – 1 neu" in _texts(app)
    assert _mapping_boxes(app)["Angebotstitel"].value == "name"  # the choice stays shown
    before = _audit(store)
    app.button(key="daten_commit").click().run()
    assert not app.exception and "Import gespeichert: 1 neu, 0 geändert" in _texts(app)
    from directory.query import offers_frame

    row = offers_frame(store).set_index("name").loc["Sprachcafé Hildesheim"]
    assert row["organization"] == "Asyl e.V." and row["phone"] is None
    assert _audit(store) > before


def test_import_messages_in_the_ui_language(app, site):
    store, ids = site
    app.query_params["lang"] = "en"
    _login(_open(app), "ada", lang="en")
    before = _audit(store)
    _upload(app, "liste.csv", b"\x89PNG\r\n\x1a\n" + bytes(200))
    assert _errors(app) == ["The file is not a CSV file but binary data (PNG)."]
    _upload(app, "liste.csv", MAPPING_CSV)
    assert any("Required columns are missing: Name" in e for e in _errors(app))
    assert _mapping_boxes(app)["Angebotstitel"].format_func("") == "(ignored)"
    # a valid file, then someone changes the store before the commit
    good = MAPPING_CSV.replace(b"Angebotstitel", b"Name")
    _upload(app, "gut.csv", good.replace(b"Sprachcaf\xc3\xa9 Hildesheim", b"Beratung Hildesheim"))
    assert "1 rows – 0 new, 1 changed" in _texts(app)
    Editor(store).edit("service", ids["own"], {"name": "Beratung Hildesheim"} | {
        "email": "neu@asyl.example"}, actor=ADMIN, expected_version=1)  # fmt: skip
    changed = _audit(store)
    app.button(key="daten_commit").click().run()
    assert not app.exception
    assert any(e.startswith("The directory changed since the preview")
               for e in _errors(app)), _errors(app)
    assert _audit(store) == changed > before


# -- coordinators' sheets, plain headers, partial commit, placeholders, history ------------------
def _rows_table(app):
    return next(d.value for d in app.dataframe if "Zeile" in d.value.columns)


def test_coordinator_sheet_imports_through_the_page(app, site):
    from tests.directory.io.sheets import ISSUE_EXPECTED, ISSUE_SHEET

    store, _ = site
    _upload(_login(_open(app), "ada"), "liste.csv", ISSUE_SHEET)
    assert "4 Zeilen – 4 neu, 0 geändert, 0 unverändert, 0 abgelehnt" in _texts(app)
    assert "Zeile 2 übersprungen: Zwischenüberschrift" in _texts(app)
    assert "Summenzeile" in _texts(app)
    table = _rows_table(app)
    assert dict(zip(table["Name"], table["Art"], strict=True)) == {
        n: t(f"kind.{k}", "de") for n, k in ISSUE_EXPECTED.items()}
    assert any("muttersprachlich" in w for w in table["Fehler und Hinweise"])
    # the reason beside the disabled second button; the first is usable
    assert not app.button(key="daten_commit").disabled
    assert app.button(key="daten_commit_valid").disabled
    assert "Nicht nötig – keine Zeile ist abgelehnt." in _texts(app)
    app.button(key="daten_commit").click().run()
    assert not app.exception and not app.error
    assert "Import gespeichert: 4 neu, 0 geändert" in _texts(app)
    assert "Vorschau" not in _texts(app)  # the upload is cleared: no message of the old file
    from directory.query import offers_frame

    kinds = dict(offers_frame(store).set_index("name")["kind"])
    assert {n: kinds[n] for n in ISSUE_EXPECTED} == ISSUE_EXPECTED


def test_kind_for_all_rows_set_in_the_preview(app, site):
    from tests.directory.io.sheets import ISSUE_SHEET

    _upload(_login(_open(app), "ada"), "liste.csv", ISSUE_SHEET)
    box = next(b for b in app.selectbox if (b.key or "").startswith("daten_kind_all_"))
    assert box.value is None and box.proto.placeholder == "aus dem Text erkennen"
    box.set_value("integrationslotsen")
    next(b for b in app.button if b.label == "Zuordnung anwenden").click().run()
    assert set(_rows_table(app)["Art"]) == {"Integrationslotsen"}


def test_partial_commit_and_refused_rows_download(app, site):
    from tests.directory.io.sheets import ISSUE_SHEET

    store, _ = site
    bad = ISSUE_SHEET.replace(b";31137;", b";99999;")
    _upload(_login(_open(app), "ada"), "liste.csv", bad)
    assert "4 Zeilen – 3 neu, 0 geändert, 0 unverändert, 1 abgelehnt" in _texts(app)
    assert app.button(key="daten_commit").disabled
    assert "Nicht möglich – 1 Zeilen sind abgelehnt" in _texts(app)
    app.toggle(key="daten_only_refused").set_value(True).run()
    only = _rows_table(app)
    assert list(only["Name"]) == ["Internationaler Treffpunkt (fiktiv)"]
    assert "99999" in only["Fehler und Hinweise"].iloc[0]
    before = _audit(store)
    app.button(key="daten_commit_valid").click().run()
    assert not app.exception and not app.error
    assert "Import gespeichert: 3 neu, 0 geändert, 1 abgelehnte Zeilen nicht übernommen" in (
        _texts(app))
    assert _audit(store) > before
    labels = [b.proto.label for b in app.get("download_button")]
    assert "Abgelehnte Zeilen herunterladen (mit Grund)" in labels


HOSTILE = ("**x**;[a](https://evil.example);![p](https://evil.example/p.png);Name\n"
           "1;2;3;Sprachcafé (fiktiv)\n").encode()


def test_headers_of_the_file_are_plain_text(app, site):
    from ui.forms import plain

    _upload(_login(_open(app), "ada"), "liste.csv", HOSTILE)
    boxes = {b.label: b for b in app.selectbox if (b.key or "").startswith("daten_map_")}
    for header in ("**x**", "[a](https://evil.example)", "![p](https://evil.example/p.png)"):
        assert plain(header) in boxes  # the label is escaped: shown literally
    shown = [e.value for kind in ("markdown", "caption", "warning", "error", "info")
             for e in getattr(app, kind)] + [b.label for b in app.selectbox]  # fmt: skip
    assert not [v for v in shown if "](https" in v or "**x" in v]


def test_placeholders_in_the_ui_language(app, site):
    app.query_params["lang"] = "en"
    _login(_open(app), "ada", lang="en")
    boxes = [b for b in app.selectbox if b.key in ("daten_pick", "daten_net", "daten_district",
                                                     "daten_kind", "daten_fmt")]  # fmt: skip
    assert boxes and all(b.proto.placeholder for b in boxes)
    assert app.selectbox(key="daten_pick").proto.placeholder == (
        "Search an entry or click it in the list")
    assert all(m.proto.placeholder for m in app.multiselect)


def test_new_offer_form_shows_no_verification_date(app, site):
    _login(_open(app), "ada")
    app.selectbox(key="daten_pick").set_value("__new__").run()
    prefix = "daten_f_service___new___0"
    assert app.date_input(key=f"{prefix}_assured_date").value is None
    assert app.selectbox(key=f"{prefix}_verification").value == "unverified"


def test_history_newest_first_in_words(app, site):
    store, ids = site
    _login(_open(app), "ada")
    Editor(store).edit("service", ids["own"], {"kind": "jmd", "languages": ["de", "ar"]},
                       actor=ADMIN, expected_version=1)  # fmt: skip
    app.selectbox(key="daten_pick").set_value(ids["own"]).run()
    history = _frame(app, "nachher")
    assert list(history["#"]) == sorted(history["#"], reverse=True)  # newest first
    latest = history[history["#"] == history["#"].max()].set_index("Feld")
    assert latest.loc["Art", "vorher"] == "Migrationsberatung für Erwachsene (MBE)"
    assert latest.loc["Art", "nachher"] == "Jugendmigrationsdienst (JMD)"
    assert latest.loc["Sprachen", "Was sich geändert hat"] == "+ Deutsch; + Arabisch"
    created = history[history["#"] == history["#"].min()].set_index("Feld")
    assert created.loc["Träger", "nachher"] == "Asyl e.V."  # a name, not the id
    assert created.loc["Status", "nachher"] == "aktiv"
    assert created.loc["Demo-Eintrag", "nachher"] == "nein"
