"""Where an office can be reached: how exactly it is placed, and the route planner link.

The one place that builds route URLs. An office is

* ``exact`` — its coordinates are its address (precision ``address``): the route planner
  gets the coordinates;
* ``address`` — a street is known but the coordinates are only those of its postcode or
  place: the route planner gets the address text (street, postcode, place) and finds the
  street itself — never the place centre, which would send four offices with different
  streets to the same point;
* ``place`` — only the place (or postcode) is known: no route is offered, the card says
  "in Göttingen" and that the address is to be asked by phone;
* ``none`` — nothing to go by.

Route links go to :data:`ROUTE_HOST` only (OpenStreetMap's route planner, which reads a
destination from ``route=;lat,lon`` or as text from ``to=``); every part is percent-encoded,
so no value can change the scheme, host or parameters of the link.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any, Literal
from urllib.parse import quote, urlencode

__all__ = ["ROUTE_HOST", "Placement", "address_text", "placement", "route_url"]

#: The route planner's host; no route link points anywhere else.
ROUTE_HOST = "www.openstreetmap.org"
ROUTE_BASE = f"https://{ROUTE_HOST}/directions"
#: Longest address text sent to the route planner (longer stored text is cut).
MAX_ADDRESS = 200

Placement = Literal["exact", "address", "place", "none"]

_SPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return _SPACE.sub(" ", _CONTROL.sub(" ", str(value))).strip()


def _coordinates(row: Mapping[str, Any]) -> tuple[float, float] | None:
    try:
        lat, lon = float(row.get("lat")), float(row.get("lon"))
    except (TypeError, ValueError):
        return None
    if math.isnan(lat) or math.isnan(lon) or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


def placement(row: Mapping[str, Any]) -> Placement:
    """How exactly an office is placed (see the module doc).

    >>> placement({"precision": "address", "lat": 51.5, "lon": 9.9, "street": "Markt 1"})
    'exact'
    >>> placement({"precision": "place", "lat": 51.5, "lon": 9.9, "street": "Neustadt 18",
    ...            "city": "Göttingen"})
    'address'
    >>> placement({"precision": "place", "lat": 51.5, "lon": 9.9, "city": "Göttingen"})
    'place'
    >>> placement({})
    'none'
    """
    point = _coordinates(row)
    if point is not None and row.get("precision") == "address":
        return "exact"
    place = _text(row.get("city")) or _text(row.get("postal_code"))
    if _text(row.get("street")) and place:
        return "address"
    if place or point is not None:
        return "place"
    return "none"


def address_text(row: Mapping[str, Any]) -> str:
    """The address as a route planner is asked for it: "street, postcode place".

    >>> address_text({"street": "Neustadt  18", "postal_code": "37073", "city": "Göttingen"})
    'Neustadt 18, 37073 Göttingen'
    """
    place = " ".join(p for p in (_text(row.get("postal_code")), _text(row.get("city"))) if p)
    return ", ".join(p for p in (_text(row.get("street")), place) if p)[:MAX_ADDRESS]


def route_url(row: Mapping[str, Any]) -> str | None:
    """The route planner link to an office, or ``None`` when only its place is known.

    >>> route_url({"precision": "address", "lat": 51.53412, "lon": 9.93571})
    'https://www.openstreetmap.org/directions?route=%3B51.53412%2C9.93571'
    >>> route_url({"precision": "place", "lat": 51.5, "lon": 9.9, "street": "Neustadt 18",
    ...            "city": "Göttingen"})
    'https://www.openstreetmap.org/directions?to=Neustadt+18%2C+G%C3%B6ttingen'
    >>> route_url({"precision": "place", "lat": 51.5, "lon": 9.9, "city": "Göttingen"}) is None
    True
    """
    kind = placement(row)
    if kind == "exact":
        lat, lon = _coordinates(row)  # type: ignore[misc]
        return f"{ROUTE_BASE}?route={quote(f';{lat:.5f},{lon:.5f}', safe='')}"
    if kind == "address":
        return f"{ROUTE_BASE}?{urlencode({'to': address_text(row)})}"
    return None
