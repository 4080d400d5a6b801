"""Problems (bad files, bad records) are shown in the UI language.

The domain writes German texts; the UI maps each problem ``code`` to a catalogue key
(``validate.<code>`` or ``daten.problem.<code>[.<reason>]``, :func:`ui.forms.problem_key`).
Every code the domain can produce must have a key, its params must fill the English text,
and the German catalogue text must be what the domain says (its message may add details).
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import pytest

from directory.io import load_preview
from directory.validate import Problem
from i18n import catalogue, t
from tests.directory.io.support import zip_of
from tests.directory.test_bad_inputs import CASES, HEADER, csv_bytes, row, xlsx_bytes
from ui.forms import problem_key, problem_params, problem_text

ROOT = Path(__file__).resolve().parent.parent
#: how the domain creates problems: FileRefused("code", …), PackageError("code", …),
#: Problem("field", "code", …), problem("field", "code" …), map_headers' ("code", text, params)
RAISED = re.compile(
    r"""(?:FileRefused|PackageError)\(\s*"(\w+)"|"""
    r"""(?:\b_?problem|Problem)\(\s*(?:"\w+"|[\w.]+),\s*"(\w+)"|"""
    r"""errors\.append\(\(\s*"(\w+)\"""",
)


def _codes_in_source() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for path in (ROOT / "directory").rglob("*.py"):
        for match in RAISED.finditer(path.read_text(encoding="utf-8")):
            code = next(g for g in match.groups() if g)
            out.setdefault(code, set()).add(path.name)
    return out


def test_every_problem_code_in_the_domain_has_a_catalogue_key():
    codes = _codes_in_source()
    assert {"binary", "extra_cells", "duplicate_column", "bad_choice", "bad_email",
            "no_service_table"} <= set(codes)  # the scan sees every way of raising  # fmt: skip
    reasons = {c for c in codes if f"daten.problem.hsds_package.{c}" in catalogue("de")}
    missing = {c: sorted(files) for c, files in codes.items() if c not in reasons
               and f"validate.{c}" not in catalogue("en")
               and f"daten.problem.{c}" not in catalogue("en")}  # fmt: skip
    assert missing == {}


def _collection(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def _inputs() -> list[tuple[str, bytes, dict | None]]:
    """(file name, content, mapping): the bad-input cases plus the rarer refusals."""
    cases = [(name, content() if callable(content) else content, mapping)
             for _, name, content, _, mapping in CASES if content != "BIG"]  # fmt: skip
    feature = {"type": "Feature", "geometry": None,
               "properties": {"name": "X", "organization": "Y", "kind": "projekt"}}
    other_feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": ["a"]},
                     "properties": feature["properties"]}
    cases += [
        ("x.csv", b"Name\nA\n", None),  # single column
        ("x.csv", csv_bytes(row(), header=HEADER.replace("Ort", "Name")), None),
        ("x.csv", csv_bytes(row() + ";x;y"), None),  # extra cells
        ("x.geojson", _collection(feature, 5, other_feature), None),
        ("x.geojson", json.dumps({"type": "Feature"}).encode(), None),
        ("x.json", b"[]", None),
        ("x.json", json.dumps([{"name": "A", "services": "x"}]).encode(), None),
        ("x.xlsx", b"", None),
        ("x.csv", b'Name;Tr\xc3\xa4ger;Art\n"' + b"x" * 140_000 + b'";B;projekt\n', None),
        ("paket.zip", zip_of({"services.csv": b"id,name\r\n"}), None),
        ("paket.zip", zip_of({"datapackage.json": b"{", "services.csv": b"id\r\n"}), None),
        ("paket.zip", zip_of({"datapackage.json": b"{}", "organizations.csv": b"id\r\n"}), None),
        ("paket.zip", zip_of({"services.csv": "id\r\nCafé\r\n".encode("cp1252")}), None),
        ("x.csv", csv_bytes(row(), header=HEADER + ";Extra"), None),  # ignored column
        # a coordinator's sheet: no organization, no kind, remarks, heading and totals rows
        ("x.csv", b"Einrichtung;Angebot;Sprachen;Telefon\nLandkreis Hildesheim;;;\n"
         b"Haus A;Migrationsberatung;Deutsch, Kroatisch (muttersprachlich);05121 1234 (Zentrale)\n"
         b"Haus B;Sprachkurs;;\nSumme;2;;\n", None),
    ]
    return cases


def _editing_problems(tmp_path) -> list[Problem]:
    from directory.auth import User
    from directory.editing import Editor, ValidationFailed
    from directory.store import Store
    from geo.gazetteer import Gazetteer

    store = Store(f"sqlite:///{tmp_path / 'edit.sqlite'}")
    store.create_schema()
    ed, admin = Editor(store, gazetteer=Gazetteer.default()), User("ada", "admin")
    found = []
    for call in (
        lambda: ed.create("organization", {"name": "X", "kind": "verein"}, actor=admin),
        lambda: ed.create("location", {"organization_id": str(uuid.uuid4())}, actor=admin),
        lambda: ed.create("service", {"name": "X", "kind": "mbe"}, actor=admin),
        lambda: ed.set_network("03351", "nope", actor=admin, expected_version=None),
    ):
        with pytest.raises(ValidationFailed) as err:
            call()
        found += err.value.problems
    store.engine.dispose()
    return found


def _problems() -> list[Problem]:
    found = []
    for name, data, mapping in _inputs():
        preview = load_preview(data, name=name, mapping=mapping)
        found += preview.file_problems + [p for r in preview.rows for p in r.problems]
    found += [load_preview(b"x", fmt="gibtsnicht").file_problems[0],
              load_preview(b"not a zip", fmt="hsds-zip").file_problems[0],
              load_preview(b"x" * 2048, name="x.csv", max_bytes=1024).file_problems[0],
              load_preview(xlsx_bytes(), fmt="xlsx", sheet="Fehlt").file_problems[0]]
    return found


def _link_problems(tmp) -> list[Problem]:
    """Every refusal of memberships and cooperations (editing and file import)."""
    from directory.auth import User
    from directory.editing import ValidationFailed
    from directory.editing.links import LinkEditor
    from directory.io import links as links_io
    from directory.model import Location, Organization
    from directory.networks import ensure_networks
    from directory.store import Store

    store = Store(f"sqlite:///{tmp / 'links.sqlite'}")
    store.create_schema()
    ensure_networks(store)
    store.add(Organization(id="o1", name="Eins"), Organization(id="o2", name="Zwei"),
              Organization(id="o3", name="Zwei"), Location(id="l1", organization_id="o1",
                                                          district_ags="03159"), actor="t")
    admin, heide = User("a", "admin"), User("h", "coordinator", ("heide",))
    ed = LinkEditor(store)
    m = ed.add_membership("o1", "suedniedersachsen", actor=admin)
    found = []
    for call in (
        lambda: ed.add_membership("o1", "heide", actor=admin, status="x", role="y",
                                  source_url="ftp://x", note="n" * 3000),
        lambda: ed.add_membership("o1", "suedniedersachsen", actor=admin),
        lambda: ed.add_membership("nope", "nope", actor=admin),
        lambda: ed.add_cooperation("o1", "o1", actor=admin, kind="z"),
        lambda: ed.edit_membership(m["id"], {"network_id": "heide"}, actor=admin,
                                   expected_version=1),
    ):
        with pytest.raises(ValidationFailed) as err:
            call()
        found += err.value.problems
    ed.add_cooperation("o1", "o2", actor=admin)
    with pytest.raises(ValidationFailed) as err:
        ed.add_cooperation("o2", "o1", actor=admin)
    found += err.value.problems
    table = (b"Organisation;Regionalverbund\nEins;suedniedersachsen\nEins;heide\n"
             b"Eins;heide\nZwei;heide\n")
    preview = links_io.preview(store, table, name="m.csv", actor=heide)
    found += [p for r in preview.rows for p in r.problems]
    store.engine.dispose()
    return found


@pytest.fixture(scope="module")
def problems(tmp_path_factory) -> list[Problem]:
    return (_problems() + _editing_problems(tmp_path_factory.mktemp("edit"))
            + _link_problems(tmp_path_factory.mktemp("links")))


def test_problem_texts_in_english_and_german(problems):
    seen = set()
    for p in problems:
        key = problem_key(p)
        assert key is not None, (p.code, p.message_de)
        english = problem_text(p, "en")
        assert english == t(key, "en", **problem_params(p, "en")), key  # not the fallback
        assert english != p.message_de and "{" not in english, (key, english)
        assert problem_text(p, "de") == p.message_de
        if key.startswith("daten.problem."):
            german = t(key, "de", **problem_params(p, "de"))
            assert p.message_de.startswith(german.rstrip(".")), (key, german, p.message_de)
            seen.add(key)
    untested = {k for k in catalogue("de") if k.startswith("daten.problem.")} - seen
    # these need files too large or too broken to build here
    assert untested == {
        "daten.problem.hsds_package", "daten.problem.hsds_package.damaged",
        "daten.problem.hsds_package.too_large", "daten.problem.hsds_package.member_damaged",
        "daten.problem.too_many_rows", "daten.problem.unreadable",
        "daten.problem.import_foreign",  # made by the page (ui/import_ui.py), tested there
    }  # fmt: skip


def test_an_arabic_page_shows_staff_problems_in_english(problems):
    p = next(p for p in problems if p.code == "duplicate_column")
    assert problem_text(p, "ar") == problem_text(p, "en") == (
        "The columns “Name” and “Name” both mean “Name”.")  # fmt: skip


@pytest.mark.parametrize("error, lang, text", [
    ("NotFoundError", "en", "The record does not exist (any more). Nothing was changed."),
    ("NotSupported", "en", "This is not possible for this kind of record. Nothing was changed."),
    ("NotFoundError", "de", "Den Eintrag gibt es nicht (mehr). Es wurde nichts geändert."),
])  # fmt: skip
def test_refused_writes_are_reported_in_the_ui_language(error, lang, text):
    from streamlit.testing.v1 import AppTest

    def page(error: str, lang: str) -> None:
        from directory.editing import NotSupported
        from directory.store import NotFoundError
        from ui.forms import run_write

        exc = {"NotFoundError": NotFoundError, "NotSupported": NotSupported}[error]

        def action():
            raise exc("service 123 not found (domain text, English)")

        run_write(lang, ("service", "123"), action, "ok")

    app = AppTest.from_function(page, args=(error, lang)).run()
    assert not app.exception
    assert [e.value for e in app.error] == [text]
