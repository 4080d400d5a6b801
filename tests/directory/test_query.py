"""offers_frame."""

from __future__ import annotations

import datetime as dt

from directory.model import (
    Location,
    Organization,
    Phone,
    Service,
    ServiceAtLocation,
)
from directory.query import OFFER_COLUMNS, offers_frame
from directory.store import Store


def _offer(i: int, fields: list[str], *, demo: bool = False):
    return [
        Service(id=f"s{i}", organization_id="o", name=f"Angebot {i}", kind="jmd", fields=fields,
                target_groups=["jugendliche"], languages=["de", "ar"], is_demo=demo,
                source_date="2024", assured_date=dt.date(2024, 1, 2)),
        Location(id=f"l{i}", organization_id="o", city="Göttingen", latitude=51.5,
                 longitude=9.9, geocode_precision="place", district_ags="03159"),
        ServiceAtLocation(id=f"sal{i}", service_id=f"s{i}", location_id=f"l{i}"),
    ]  # fmt: skip


def test_offers_frame_filters_and_shapes(store: Store):
    assert list(offers_frame(store).columns) == list(OFFER_COLUMNS)
    store.add(Organization(id="o", name="Träger", website="https://example.org/t"), actor="t")
    store.add(*_offer(1, ["jugendarbeit", "schule"]), *_offer(2, ["beruf"]),
              *_offer(3, ["beruf"], demo=True), actor="t")  # fmt: skip
    store.add(Phone(id="p", number="0551 1", service_id="s1"), actor="t")
    df = offers_frame(store)
    assert list(df.columns) == list(OFFER_COLUMNS)
    assert len(df) == 3
    one = df.set_index("service_id").loc["s1"]
    assert one["fields"] == ("jugendarbeit", "schule")
    assert one["languages"] == ("de", "ar")
    assert one["phone"] == "0551 1"
    assert one["organization"] == "Träger" and one["website"] == "https://example.org/t"
    assert one["assured_date"] == dt.date(2024, 1, 2)
    assert one["postal_code"] is None
    assert df.set_index("service_id").loc["s2", "phone"] is None

    assert set(offers_frame(store, field="beruf")["service_id"]) == {"s2", "s3"}
    assert set(offers_frame(store, field="schule")["service_id"]) == {"s1"}
    assert offers_frame(store, field="dialog").empty
    assert set(offers_frame(store, field="beruf", include_demo=False)["service_id"]) == {"s2"}

    store.retire((Service, "s2"), actor="c", expected_version=1)
    assert set(offers_frame(store.engine)["service_id"]) == {"s1", "s3"}
