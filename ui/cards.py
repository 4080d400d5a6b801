"""Result cards of the finder as escaped HTML (pure functions, unit-tested).

Every stored string passes through :func:`html.escape` before it becomes HTML. Phone
numbers and postcodes get an ``aria-label`` that screen readers read digit by digit.
External links (website, source, route planner) are plain links: nothing is requested
from another host until the visitor clicks.
"""

from __future__ import annotations

import re
from html import escape
from urllib.parse import urlsplit

import pandas as pd

from directory import phones, routes
from directory.hours import format_hours
from directory.taxonomy import KIND_IDS
from i18n import t, t_easy
from i18n.localedata import format_date, format_km, language_name, localize_digits, weekday_names
from ui.plain import kind_about, kind_name

#: Stored codes the cards label; any other stored value is shown as unknown (never raises).
PRECISIONS = ("address", "postcode", "place")
ACCESS = ("yes", "no", "unknown")


def kind_label(kind: object, lang: str) -> str:
    """The label of an offer kind, "" for a value outside the taxonomy."""
    return t(f"kind.{kind}", lang) if kind in KIND_IDS else ""


def precision_label(precision: object, lang: str, easy: bool = False) -> str:
    """How exactly an offer is placed; "" for an exact address or an unknown value."""
    if precision not in ("postcode", "place"):
        return ""
    return t_easy(f"precision.{precision}", lang, easy)


def _place_name(row: pd.Series) -> str:
    return str(row.get("city") or row.get("postal_code") or "").strip()

# Actions are 44 px touch targets. Streamlit gives every <h3> a 16 px "Link to heading"
# anchor (English label, one more tab stop per card): hidden inside cards.
CARD_CSS = """
<style>
.atlas-card{border:1px solid #c9ced6;border-radius:.5rem;padding:.75rem 1rem;margin:.5rem 0;
  overflow-wrap:anywhere}
.atlas-card h3{font-size:1.15rem;margin:0 0 .25rem 0;padding:0}
.atlas-card p{margin:.2rem 0}
.atlas-card .atlas-muted{color:#4a5260;font-size:.9rem}
.atlas-card .atlas-kind-about{font-size:.95rem}
.atlas-card .atlas-actions{display:flex;flex-wrap:wrap;gap:.5rem;margin-top:.5rem}
.atlas-card .atlas-actions a{display:inline-flex;align-items:center;min-height:44px;
  min-width:44px;padding:0 .8rem;border:1px solid #0b5cad;border-radius:.4rem;
  text-decoration:none;color:#0b5cad;font-weight:600}
.atlas-card .atlas-actions span.atlas-phone{display:inline-flex;align-items:center;
  min-height:44px;padding:0 .8rem;border:1px dashed #4a5260;border-radius:.4rem}
.atlas-card .atlas-muted a{display:inline-flex;align-items:center;min-height:44px;
  min-width:44px}
.atlas-card.atlas-selected{border:3px solid #0b5cad}
.atlas-card [data-testid=stHeaderActionElements]{display:none}
</style>
"""


def digits_label(number: str) -> str:
    """Digits of ``number`` separated by spaces, for screen readers.

    >>> digits_label("05121 - 13 28 20")
    '0 5 1 2 1 1 3 2 8 2 0'
    """
    return " ".join(ch for ch in number if ch.isdigit() or ch == "+")


def tel_href(number: str) -> str | None:
    """A ``tel:`` URI with the E.164 number, or None if ``number`` is not a valid number
    (:func:`directory.phones.tel_href`).

    >>> tel_href("05121 - 13 28 20")
    'tel:+495121132820'
    >>> tel_href("+49 4941 16-3264")
    'tel:+494941163264'
    """
    return phones.tel_href(number)


def safe_url(url: str | None) -> str | None:
    """``url`` if it is an http(s) URL (a bare ``www.`` host gets ``https://``), else None.

    >>> safe_url("www.example.org/a"), safe_url("javascript:alert(1)"), safe_url("http://[x]/")
    ('https://www.example.org/a', None, None)
    """
    if not url:
        return None
    url = url.strip()
    if url.startswith("www."):
        url = "https://" + url
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. a bracketed host that is no IPv6 address
        return None
    return url if parts.scheme in ("http", "https") and parts.netloc else None


def _link(
    href: str, text: str, *, label: str | None = None, external: bool = True, ltr: bool = False,
    data_lang: str | None = None,
) -> str:
    attrs = f'href="{escape(href)}"' + (' dir="ltr"' if ltr else "")
    if external:
        attrs += ' target="_blank" rel="noopener noreferrer"'
    if label:
        attrs += f' aria-label="{escape(label)}"'
    inner = f'<span lang="{escape(data_lang)}">{escape(text)}</span>' if data_lang else escape(text)
    return f"<a {attrs}>{inner}</a>"


def address_html(row: pd.Series) -> str:
    """The address as escaped HTML (German data: the caller marks it ``lang="de"``), the
    postcode read digit by digit; the card's and the map popup's (:mod:`ui.map`)."""
    street = escape(row.get("street") or "")
    plz = row.get("postal_code") or ""
    plz_html = (
        f'<span aria-label="{escape(digits_label(plz))}">{escape(plz)}</span>' if plz else ""
    )
    city = escape(row.get("city") or "")
    place = " ".join(p for p in (plz_html, city) if p)
    return ", ".join(p for p in (street, place) if p)


#: A place-only office nearer than this to the searched point reads "in Göttingen" without
#: a distance (it is placed at the place's centre: "0,0 km" would be false precision).
SAME_PLACE_KM = 1.0


def _distance(row: pd.Series, lang: str, easy: bool = False) -> str:
    """The distance line as HTML: "2,3 km", "ca. 2,3 km" (placed at the postcode), or for
    an office located only by its place "in Göttingen" (the German place name marked
    ``lang="de"``) and, when that place is not the searched one, "ca. 13,0 km"."""
    km = row.get("distance_km")
    has_km = km is not None and not pd.isna(km)
    place = _place_name(row)
    if row.get("precision") == "place" and place:
        place_html = f'<span lang="de" dir="auto">{escape(place)}</span>'
        if not has_km or float(km) < SAME_PLACE_KM:
            text = t_easy("results.in_place", lang, easy, place="\x00")
            return escape(text).replace("\x00", place_html)
        text = t_easy("results.in_place_km", lang, easy, place="\x00",
                      km=format_km(float(km), lang))  # fmt: skip
        return escape(text).replace("\x00", place_html)
    if not has_km:
        return ""
    key = "card.distance_approx" if precision_label(row.get("precision"), lang, easy) else (
        "card.distance")  # fmt: skip
    return escape(t_easy(key, lang, easy, km=format_km(float(km), lang)))


def _hours(row: pd.Series, lang: str, easy: bool = False) -> str:
    hours = row.get("opening_hours")
    unknown = escape(t_easy("card.hours_unknown", lang, easy))
    if not hours:
        return unknown
    # weekday names from CLDR, times in the language's digits (UI text, not data)
    lines = [localize_digits(line, lang)
             for line in format_hours(hours, weekday_names(lang), group_days=False)]  # fmt: skip
    if hours.get("by_appointment"):
        lines.append(t_easy("card.by_appointment", lang, easy))
    # a note from the data is German: it is in the card's "Hinweis (Deutsch)" line
    return "<br>".join(escape(line) for line in lines) or unknown


def german_notes(row: pd.Series) -> list[str]:
    """Free text from the data — remarks in German — in card order: the opening hours'
    note, the accessibility note, a source date that is no date ("undatiert (Porträt)")."""
    hours = row.get("opening_hours")
    notes = [hours.get("note") if isinstance(hours, dict) else None,
             row.get("accessibility_note")]  # fmt: skip
    source_date = row.get("source_date")
    if source_date and format_date(str(source_date), "de") is None:
        notes.append(str(source_date))
    return [str(n).strip() for n in notes if n and str(n).strip()]


def german_line(row: pd.Series, lang: str) -> str:
    """German data stays German and says so: "Hinweis (Deutsch): …" (label in the UI
    language) as escaped HTML whose content is ``lang="de"`` and bidi-isolated inside RTL
    text; "" without remarks. The card's line and the map popup's (:mod:`ui.map`)."""
    notes = german_notes(row)
    if not notes:
        return ""
    text = " · ".join(escape(n) for n in notes)
    return f'{escape(t("shell.note_de", lang))}: <bdi lang="de" dir="ltr">{text}</bdi>'


def _german_line(row: pd.Series, lang: str) -> str:
    line = german_line(row, lang)
    return f'<p class="atlas-note-de">{line}</p>' if line else ""


def card_html(row: pd.Series, lang: str, *, selected: bool = False, easy: bool = False) -> str:
    """One result card as HTML; every value from the store is escaped.

    The kind reads in plain words (its plain name, then one line on what happens there, who
    may go and whether it is free: ``ui/plain.py``); ``easy`` gives the German
    Leichte-Sprache texts. Remarks from the data stay German, in one marked line.
    """
    name = escape(row.get("name") or "")
    org = row.get("organization")
    kind = escape(kind_name(row.get("kind"), lang, easy))
    css = "atlas-card atlas-selected" if selected else "atlas-card"
    parts = [f'<article class="{css}">', f'<h3 lang="de" dir="auto">{name}</h3>']
    if org and org != row.get("name"):
        parts.append(f'<p class="atlas-muted" lang="de" dir="auto">{escape(org)}</p>')
    head = " · ".join(x for x in (_distance(row, lang, easy), kind) if x)
    if head:
        parts.append(f"<p><strong>{head}</strong></p>")
    about = kind_about(row.get("kind"), lang, easy)
    if about:
        parts.append(f'<p class="atlas-kind-about">{escape(about)}</p>')
    address = address_html(row)
    if address:
        # an office placed at its place's centre is said so by the distance line
        position = "" if row.get("precision") == "place" else escape(
            precision_label(row.get("precision"), lang, easy))  # fmt: skip
        if position:
            position = f' <span class="atlas-muted">({position})</span>'
        parts.append(f'<p><span lang="de" dir="auto">{address}</span>{position}</p>')
    languages = row.get("languages") or ()
    langs = ", ".join(language_name(c, lang) for c in languages) or t_easy(
        "card.unknown", lang, easy)  # fmt: skip
    parts.append(f"<p>{escape(t_easy('card.languages', lang, easy))}: {escape(langs)}</p>")
    hours_label = escape(t_easy("card.hours", lang, easy))
    parts.append(f"<p>{hours_label}:<br>{_hours(row, lang, easy)}</p>")
    access = row.get("accessibility") if row.get("accessibility") in ACCESS else "unknown"
    access_text = t_easy(f"card.access_{access}", lang, easy)  # its note: in the German line
    access_label = escape(t_easy("card.accessibility", lang, easy))
    parts.append(f"<p>{access_label}: {escape(access_text)}</p>")
    german = _german_line(row, lang)
    if german:
        parts.append(german)
    parts.append(_actions(row, lang, easy))
    if routes.placement(row) == "place":
        place_only = escape(t_easy("results.place_only", lang, easy))
        parts.append(f'<p class="atlas-muted">{place_only}</p>')
    parts.append(_source(row, lang, easy))
    parts.append("</article>")
    return "\n".join(parts)


def _actions(row: pd.Series, lang: str, easy: bool = False) -> str:
    links = []
    phone = row.get("phone")
    href = tel_href(phone) if phone else None
    if href:
        shown = phones.display_phone(phone, lang)  # national format; the link dials E.164
        label = t_easy("card.call", lang, easy, number=localize_digits(digits_label(shown), lang))
        links.append(_link(href, f"☎ {shown}", label=label, external=False, ltr=True,
                           data_lang="de"))  # the number stays as written: German data
    elif phone and str(phone).strip():
        # a number that is not valid cannot be dialled by a link: shown, to be typed
        shown = str(phone).strip()
        links.append(f'<span class="atlas-phone" dir="ltr" lang="de">☎ {escape(shown)}</span>')
    email = row.get("email")
    if email and re.fullmatch(r"[^@\s<>\"']+@[^@\s<>\"']+\.[a-zA-Z]{2,}", email):
        links.append(_link(f"mailto:{email}", t_easy("card.email", lang, easy), external=False))
    website = safe_url(row.get("website"))
    if website:
        links.append(_link(website, t_easy("card.website", lang, easy)))
    route = routes.route_url(row)
    if route:
        links.append(_link(route, t_easy("card.route", lang, easy),
                           label=t_easy("card.route_label", lang, easy)))  # fmt: skip
    return f'<p class="atlas-actions">{"".join(links)}</p>' if links else ""


def source_status(row: pd.Series, lang: str, easy: bool = False) -> str:
    """The source's date and whether the offer was verified, as escaped HTML in the UI
    language (the card's source line and the map popup's status line, :mod:`ui.map`): a date
    is a date in the language's format and digits; a source date that is no date is German
    data, in :func:`german_line`. A demo record says so instead."""
    if row.get("is_demo"):
        return escape(t("map.demo", lang))
    bits = []
    source_date = format_date(str(row.get("source_date") or ""), lang)
    if source_date:
        stand = escape(t_easy("map.source_date", lang, easy))
        bits.append(f"{stand}: {escape(source_date)}")
    verified_on = format_date(row.get("assured_date"), lang)
    if row.get("verification") == "verified" and verified_on:
        bits.append(escape(t_easy("card.verified_on", lang, easy, date=verified_on)))
    elif row.get("verification") != "verified":
        bits.append(escape(t_easy("map.unverified", lang, easy)))
    return " · ".join(bits)


def _source(row: pd.Series, lang: str, easy: bool = False) -> str:
    bits = []
    url = None if row.get("is_demo") else safe_url(row.get("source_url"))
    if url:
        host = urlsplit(url).netloc
        bits.append(f"{escape(t_easy('map.source', lang, easy))}: {_link(url, host)}")
    status = source_status(row, lang, easy)
    if status:
        bits.append(f'<span class="atlas-status">{status}</span>')
    return f'<p class="atlas-muted">{" · ".join(bits)}</p>' if bits else ""
