"""Realistic coordinators' spreadsheets, built in code (all names fictional, marked "fiktiv";
addresses are invented streets "Musterweg"/"Beispielstraße"; phone numbers are test numbers).

Each sheet is kept the way offices keep them — not the way the atlas exports: a facility-name
column, a free-text offer column instead of a kind, remarks in cells, blank separator rows,
a heading over a group, a totals row at the end, German or English headers, Windows-1252 or
UTF-8, ``;`` or ``,``.

``EXPECTED`` holds, per sheet, the name → kind the import must arrive at.
"""

from __future__ import annotations

import io

#: the sheet of issue 9: Windows-1252, ";", "Einrichtung" + free-text "Angebot", language
#: cells with remarks, no kind column, no organization column, a heading and a totals row
ISSUE_SHEET = (
    "Lfd. Nr.;Einrichtung;Angebot;Straße;PLZ;Ort;Telefon;Sprachen;Bemerkung\r\n"
    "Landkreis Hildesheim;;;;;;;;\r\n"
    "1;Beratungsstelle Musterhaus (fiktiv);Migrationsberatung für Erwachsene (MBE);"
    "Musterweg 1;31134;Hildesheim;05121 123456;Deutsch, Kroatisch (muttersprachlich), "
    "Englisch;intern: Frau M. fragen\r\n"
    "2;Jugendtreff Beispielstadt (fiktiv);Jugendmigrationsdienst – Beratung 12–27 Jahre;"
    "Musterweg 2;31134;Hildesheim;05121 654321 (Zentrale);Deutsch, Arabisch, Farsi (Dari);\r\n"
    ";;;;;;;;\r\n"
    "3;Internationaler Treffpunkt (fiktiv);Sprachcafé und Begegnung;Beispielstraße 5;31137;"
    "Hildesheim;;Deutsch, Türkisch (nach Absprache);\r\n"
    "4;Verein Brücke (fiktiv);Migrantenselbstorganisation, Elternarbeit;Beispielstraße 9;"
    "31135;Hildesheim;;Russisch, Ukrainisch;\r\n"
    "Summe;4;;;;;;;\r\n"
).encode("cp1252")

ISSUE_EXPECTED = {
    "Beratungsstelle Musterhaus (fiktiv)": "mbe",
    "Jugendtreff Beispielstadt (fiktiv)": "jmd",
    "Internationaler Treffpunkt (fiktiv)": "projekt",
    "Verein Brücke (fiktiv)": "selbstorganisation",
}

#: UTF-8 with BOM, ",", English headers, a provider column, notes in cells
ENGLISH_SHEET = (
    "\ufeffFacility,Provider,Type of service,Address,Postcode,City,Phone,Languages,Notes\r\n"
    "Welcome Center Sample Town (fiktiv),Sample County (fiktiv),Welcome Center for skilled "
    "workers,Sample Road 1,30159,Hannover,0511 1234567,\"English, German, Ukrainian\",\r\n"
    "Youth Office Sample (fiktiv),Sample Association (fiktiv),Youth migration service (JMD),"
    "Sample Road 2,30161,Hannover,,\"German, Arabic (on request)\",\r\n"
    ",,,,,,,,\r\n"
    "Total,2,,,,,,,\r\n"
).encode("utf-8")

ENGLISH_EXPECTED = {
    "Welcome Center Sample Town (fiktiv)": "welcome_center",
    "Youth Office Sample (fiktiv)": "jmd",
}

#: Windows-1252, ",", German headers with a kind column in words, a note in the postcode
#: cell, "k. A." placeholders, a "Gesamt" row
GERMAN_COMMA_SHEET = (
    "Name der Einrichtung,Träger,Angebotsart,Adresse,PLZ,Ort,E-Mail,Barrierefreiheit\r\n"
    "Integrationslotsen Musterdorf (fiktiv),Musterverein e.V. (fiktiv),Integrationslotsen,"
    "Musterweg 3,\"31141 (Ortsteil Ochtersum)\",Hildesheim,k. A.,\"ja (Rampe am Hintereingang)\""
    "\r\n"
    "Koordinierungsstelle Beispiel (fiktiv),Landkreis Beispiel (fiktiv),"
    "Koordinierungsstelle Migration und Teilhabe,Beispielstraße 1,31134,Hildesheim,"
    "koordination@example.org,nein\r\n"
    "Gesamt: 2,,,,,,,\r\n"
).encode("cp1252")

GERMAN_COMMA_EXPECTED = {
    "Integrationslotsen Musterdorf (fiktiv)": "integrationslotsen",
    "Koordinierungsstelle Beispiel (fiktiv)": "koordinierungsstelle",
}

SHEETS = {
    "issue.csv": (ISSUE_SHEET, ISSUE_EXPECTED),
    "english.csv": (ENGLISH_SHEET, ENGLISH_EXPECTED),
    "german_comma.csv": (GERMAN_COMMA_SHEET, GERMAN_COMMA_EXPECTED),
}


def xlsx_of(csv_bytes: bytes, encoding: str = "cp1252", delimiter: str = ";",
            title: str | None = "Beratungsstellen im Landkreis (Stand: März 2025)") -> bytes:
    """The same sheet as XLSX, with a title row above the header as offices write it."""
    import csv

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    if title:
        ws.append([title])
        ws.append([])
    text = csv_bytes.decode(encoding).lstrip("\ufeff")
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        ws.append([int(c) if c.isdigit() and len(c) < 3 else (c or None) for c in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
