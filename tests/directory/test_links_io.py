"""Import and export of memberships and cooperations: German tables, preview per row,
permissions, all or nothing, audited — on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from directory.__main__ import main
from directory.auth import User
from directory.io import links as links_io
from directory.links import cooperations_frame, memberships_frame
from directory.model import AuditLog
from tests.directory.test_links_editing import ADMIN, HEIDE, SUED, links  # noqa: F401


def _audit(store) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(AuditLog))


def _csv(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode("utf-8-sig")


def test_import_memberships_then_export_round_trip(links, store):  # noqa: F811
    data = _csv("Organisation;Regionalverbund;Status;Rolle;Notiz;Quelle\n"
                "Träger 1;Regionalverbund Südniedersachsen;belegt;Federführung;;"
                "https://example.org/rv\n"
                "Träger 2;suedniedersachsen;abgeleitet;Mitglied;=SUMME(A1);\n")
    result = links_io.preview(store, data, name="m.csv", actor=SUED)
    assert result.what == "memberships" and result.ok
    assert result.counts == {"rows": 2, "new": 2, "update": 0, "unchanged": 0, "error": 0}
    links_io.commit(store, result, actor=SUED)
    frame = memberships_frame(store).set_index("organization")
    assert frame.loc["Träger 1", "role"] == "lead" and frame.loc["Träger 2", "status"] == "inferred"
    exported = links_io.export_bytes(store, "memberships", "csv")
    text = exported.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Organisation;Organisations-ID;Regionalverbund")
    assert "Federführung" in text and "'=SUMME(A1)" in text  # formula neutralised
    again = links_io.preview(store, exported, name="m.csv", actor=SUED)
    assert again.counts["unchanged"] == 2 and again.counts["new"] == 0
    assert memberships_frame(store).loc[lambda f: f["organization"] == "Träger 2",
                                        "note"].item() == "=SUMME(A1)"


def test_a_bad_row_refuses_the_whole_file(links, store):  # noqa: F811
    before = _audit(store)
    data = _csv("Organisation;Partner;Art\n"
                "Träger 1;Träger 2;Kooperation\n"
                "Träger 1;Niemand e.V.;Kooperation\n"
                "Träger 2;Träger 2;Kooperation\n"
                "Träger 3;Träger 1;Freundschaft\n")
    result = links_io.preview(store, data, name="k.csv", actor=ADMIN)
    assert result.what == "cooperations" and not result.ok
    codes = {r.line: [p.code for p in r.problems] for r in result.rows if r.problems}
    assert codes == {3: ["unknown_organization"], 4: ["link_self"], 5: ["link_bad_kind"]}
    with pytest.raises(ValueError):
        links_io.commit(store, result, actor=ADMIN)
    assert cooperations_frame(store).empty and _audit(store) == before


def test_permission_is_checked_per_row(links, store):  # noqa: F811
    data = _csv("Organisation;Regionalverbund\nTräger 3;heide\nTräger 1;suedniedersachsen\n")
    result = links_io.preview(store, data, name="m.csv", actor=HEIDE)
    assert [r.action for r in result.rows] == ["new", "error"]
    assert result.rows[1].problems[0].code == "link_denied"
    viewer = links_io.preview(store, data, name="m.csv", actor=User("v", "viewer"))
    assert not viewer.ok


def test_xlsx_cooperations_update_and_audit(links, store):  # noqa: F811
    links.add_cooperation("o1", "o2", actor=ADMIN, kind="kooperation")
    exported = links_io.export_bytes(store, "cooperations", "xlsx")
    import io

    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(exported))
    ws = wb.active
    assert [c.value for c in ws[1]] == ["Organisation", "Organisations-ID", "Partner",
                                        "Partner-ID", "Art", "Beschreibung", "Quelle"]
    ws["E2"] = "gemeinsames Projekt"
    buf = io.BytesIO()
    wb.save(buf)
    result = links_io.preview(store, buf.getvalue(), name="k.xlsx", actor=SUED)
    assert result.counts["update"] == 1
    links_io.commit(store, result, actor=SUED)
    coop = cooperations_frame(store).iloc[0]
    assert coop["kind"] == "projekt"
    history = links.history("cooperation", coop["cooperation_id"])
    assert [h.action for h in history] == ["insert", "update"] and history[1].actor == "sue"


@pytest.mark.parametrize("data, code", [
    (b"", "empty"),
    (_csv("Name;Ort\nA;B\n"), "unknown_table"),
    (b"PK\x03\x04garbage", "xlsx_damaged"),
])
def test_unreadable_files_are_refused(links, store, data, code):  # noqa: F811
    with pytest.raises(links_io.LinksRefused) as exc:
        links_io.preview(store, data, name="x.xlsx" if data.startswith(b"PK") else "x.csv",
                         actor=ADMIN)
    assert exc.value.code == code


def test_cli_links_export_and_import(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    assert main(["seed", "--database-url", url]) == 0
    out = tmp_path / "m.xlsx"
    assert main(["links", "export", str(out), "--database-url", url]) == 0
    bad = tmp_path / "k.csv"
    bad.write_bytes(_csv("Organisation;Partner\nAsyl e.V.;Gibt es nicht\n"))
    assert main(["links", "import", str(bad), "--database-url", url]) == 1
    assert "nothing changed" in capsys.readouterr().err
    good = tmp_path / "k2.csv"
    good.write_bytes(_csv("Organisation;Partner;Art\nAsyl e.V.;Hildesheim Marketing GmbH;"
                          "Verweisberatung\n"))
    assert main(["links", "import", str(good), "--dry-run", "--database-url", url]) == 0
    assert main(["links", "import", str(good), "--database-url", url]) == 0
    assert '"new": 1' in capsys.readouterr().out
    assert main(["links", "import", str(out), "--database-url", url]) == 0
    assert '"unchanged": 4' in capsys.readouterr().out
