"""Record lists for the maintenance page (place, district, network, staleness)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import pandas as pd
from sqlalchemy import func, select

from directory.editing.fields import STALE_AFTER_DAYS, TABLES, _column_types
from directory.model import (
    AuditLog,
    Location,
    NetworkAssignment,
    Service,
    ServiceAtLocation,
)


class ListingMixin:
    """Part of :class:`directory.editing.Editor` (``listing``)."""

    # -- listing ---------------------------------------------------------------------------
    def stamp(self) -> int:
        """Changes whenever anything is written through the audited paths (for caches)."""
        with self.store.session() as s:
            return int(s.scalar(select(func.max(AuditLog.id))) or 0)

    def _links(self, conn: Any, table: str) -> pd.DataFrame:
        """``id, city, postal_code, district_ags`` of every location of each record."""
        place = (Location.city, Location.postal_code, Location.district_ags)
        if table == "location":
            stmts = [select(Location.id, *place)]
        elif table == "service":
            stmts = [
                select(ServiceAtLocation.service_id, *place)
                .join(Location, Location.id == ServiceAtLocation.location_id)
                .order_by(ServiceAtLocation.created_at, ServiceAtLocation.id)
            ]
        else:
            stmts = [
                select(Location.organization_id, *place).where(
                    Location.organization_id.is_not(None)
                ),
                select(Service.organization_id, *place)
                .join(ServiceAtLocation, ServiceAtLocation.service_id == Service.id)
                .join(Location, Location.id == ServiceAtLocation.location_id),
            ]
        rows = [tuple(r) for stmt in stmts for r in conn.execute(stmt)]
        return pd.DataFrame(
            rows, columns=["id", "city", "postal_code", "district_ags"], dtype=object
        )

    def records(
        self,
        table: str,
        *,
        network: str | Collection[str] | None = None,
        district: str | None = None,
        kind: str | None = None,
        text: str | None = None,
        stale: bool = False,
        retired: bool = False,
    ) -> pd.DataFrame:
        """Records of one table for the maintenance list, filtered, ordered by name.

        Columns: ``id, name, kind, city, postal_code, district_ags, network_id,
        assured_date, stale, retired, version`` (place/district/network of the record's first
        location; ``network``/``district`` match any of its locations; ``stale`` and
        ``assured_date`` only for offers). ``retired=True`` lists only retired records,
        else only current ones. ``network`` may be several networks (a coordinator's own:
        records in any of them).
        """
        model = TABLES[table]
        types = _column_types(model)
        cols = [model.id, model.name, model.version]
        cols += [getattr(model, c) for c in ("kind", "assured_date", "retired_at") if c in types]
        with self.store.engine.connect() as conn:
            base = pd.DataFrame(
                [tuple(r) for r in conn.execute(select(*cols).order_by(model.name, model.id))],
                columns=[c.key for c in cols],
                dtype=object,
            )
            links = self._links(conn, table)
            net_of = dict(
                conn.execute(
                    select(NetworkAssignment.district_ags, NetworkAssignment.network_id)
                ).all()
            )
        for c in ("kind", "assured_date", "retired_at"):
            if c not in base:
                base[c] = pd.Series([None] * len(base), dtype=object)
        links["network_id"] = links["district_ags"].map(lambda d: net_of.get(d))
        df = base.merge(links.drop_duplicates("id"), on="id", how="left")
        today = self.today()
        df["retired"] = df["retired_at"].map(lambda v: v is not None and not pd.isna(v))
        df["stale"] = df["assured_date"].map(
            lambda d: (
                table == "service"
                and (d is None or pd.isna(d) or (today - d).days > STALE_AFTER_DAYS)
            )
        )
        keep = df["retired"] == bool(retired)
        for column, wanted in (("network_id", network), ("district_ags", district)):
            if wanted:
                wanted = {wanted} if isinstance(wanted, str) else set(wanted)
                keep &= df["id"].isin(set(links.loc[links[column].isin(wanted), "id"]))
        if kind:
            keep &= df["kind"] == kind
        if stale:
            keep &= df["stale"]
        if text and text.strip():
            needle = text.casefold().strip()
            hits = set(links.loc[links["postal_code"] == needle, "id"]) | set(
                links.loc[
                    links["city"].fillna("").str.casefold().str.contains(needle, regex=False), "id"
                ]
            )
            keep &= df["name"].fillna("").str.casefold().str.contains(needle, regex=False) | df[
                "id"
            ].isin(hits)
        out = df[keep.astype(bool)].reset_index(drop=True)
        columns = [
            "id",
            "name",
            "kind",
            "city",
            "postal_code",
            "district_ags",
            "network_id",
            "assured_date",
            "stale",
            "retired",
            "version",
        ]
        return out[columns].astype(object).where(out[columns].notna(), None)
