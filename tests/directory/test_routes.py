"""Route planner links: one builder, only the configured host, nothing injected."""

from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from directory.routes import MAX_ADDRESS, ROUTE_HOST, address_text, placement, route_url
from tests.strategies import PAYLOADS

GOE = {"lat": 51.5413, "lon": 9.9158}


@pytest.mark.parametrize(
    ("row", "kind"),
    [
        ({**GOE, "precision": "address", "street": "Neustadt 18", "city": "Göttingen"}, "exact"),
        ({**GOE, "precision": "place", "street": "Neustadt 18", "city": "Göttingen"}, "address"),
        ({**GOE, "precision": "postcode", "street": "Siekweg", "postal_code": "37081"},
         "address"),
        ({**GOE, "precision": "place", "city": "Göttingen"}, "place"),
        ({"lat": None, "lon": None, "postal_code": "37073"}, "place"),
        ({"lat": float("nan"), "lon": float("nan")}, "none"),
    ],
)  # fmt: skip
def test_placement(row, kind):
    assert placement(row) == kind


def test_an_address_without_exact_coordinates_routes_to_the_address_text():
    streets = ("Neustadt 18", "Siekweg", "Am Kalten Born", "Groner Landstraße 9")
    four = [{**GOE, "precision": "place", "street": s, "city": "Göttingen"} for s in streets]
    urls = [route_url(r) for r in four]
    assert len(set(urls)) == 4, "offices in different streets never route to one point"
    for url, row in zip(urls, four, strict=True):
        assert parse_qs(urlsplit(url).query) == {"to": [f"{row['street']}, Göttingen"]}
        assert "51.54" not in url  # not the place centre


def test_exact_coordinates_route_to_the_point_and_a_place_only_office_gets_no_route():
    url = route_url({**GOE, "precision": "address", "street": "Neustadt 18"})
    assert parse_qs(urlsplit(url).query) == {"route": [";51.54130,9.91580"]}
    assert route_url({**GOE, "precision": "place", "city": "Göttingen"}) is None


text = st.one_of(st.sampled_from(PAYLOADS), st.text(max_size=300), st.none())
coord = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.none(), st.text(max_size=5))


@given(street=text, postal_code=text, city=text, lat=coord, lon=coord,
       precision=st.sampled_from(["address", "postcode", "place", None, "x"]))  # fmt: skip
def test_route_urls_go_only_to_the_route_planner_and_carry_the_address(
    street, postal_code, city, lat, lon, precision
):
    row = {"street": street, "postal_code": postal_code, "city": city, "lat": lat, "lon": lon,
           "precision": precision}
    url = route_url(row)
    if url is None:
        assert placement(row) in ("place", "none")
        return
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", ROUTE_HOST, "/directions")
    assert not parts.fragment and "javascript:" not in url.lower()
    assert all(c.isascii() and c.isprintable() and c not in " <>\"'" for c in url)
    query = parse_qs(parts.query, keep_blank_values=True)
    if placement(row) == "exact":
        [route] = query.pop("route")
        lat_s, lon_s = route.lstrip(";").split(",")
        assert abs(float(lat_s) - float(lat)) < 1e-5 and abs(float(lon_s) - float(lon)) < 1e-5
    else:
        assert query.pop("to") == [address_text(row)]
        assert len(address_text(row)) <= MAX_ADDRESS
    assert query == {}
