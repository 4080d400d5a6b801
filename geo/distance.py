"""Great-circle distances and nearest-neighbour look-ups.

Everything is vectorised with numpy.  For repeated queries against the same
table (the finder page) build a :class:`NearestIndex` once and cache it; it
keeps the coordinates as contiguous radian arrays with ``cos(lat)``
precomputed, so a query over 100,000 rows is a handful of array operations.

Ordering is deterministic: by distance, then by row position.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["EARTH_RADIUS_KM", "NearestIndex", "haversine_km", "nearest"]

#: Mean Earth radius (IUGG), kilometres.
EARTH_RADIUS_KM = 6371.0088


def haversine_km(
    lat: float, lon: float, lats: np.ndarray | pd.Series, lons: np.ndarray | pd.Series
) -> np.ndarray:
    """Great-circle distance from one point to many points.

    Parameters
    ----------
    lat, lon : float
        Origin in decimal degrees (WGS84).
    lats, lons : array_like
        Destinations in decimal degrees; NaN (no coordinates) or an infinite value gives
        NaN, without a warning.

    Returns
    -------
    numpy.ndarray
        Distances in kilometres (float64), same shape as ``lats``.

    Examples
    --------
    >>> haversine_km(52.37, 9.73, [52.37, float("nan"), float("inf")], [9.73, 9.0, 9.0])
    array([ 0., nan, nan])
    """
    lat2 = np.radians(np.asarray(lats, dtype=np.float64))
    lon2 = np.radians(np.asarray(lons, dtype=np.float64))
    lat1, lon1 = np.radians(float(lat)), np.radians(float(lon))
    with np.errstate(invalid="ignore"):  # sin/cos of an infinite value: NaN, as documented
        a = (
            np.sin((lat2 - lat1) * 0.5) ** 2
            + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) * 0.5) ** 2
        )
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


class NearestIndex:
    """Precomputed coordinates for fast repeated nearest-neighbour queries.

    Parameters
    ----------
    lats, lons : array_like
        Coordinates in decimal degrees; rows with NaN/inf are ignored by
        :meth:`query` (their positions are never returned).

    Notes
    -----
    Positions returned by :meth:`query` refer to the input order, so with
    :meth:`from_frame` they are ``iloc`` positions into that frame.
    """

    __slots__ = ("_cos", "_lat", "_lon", "_pos", "size")

    def __init__(self, lats: np.ndarray | pd.Series, lons: np.ndarray | pd.Series) -> None:
        lat = np.asarray(lats, dtype=np.float64)
        lon = np.asarray(lons, dtype=np.float64)
        if lat.shape != lon.shape or lat.ndim != 1:
            raise ValueError("lats and lons must be 1-D arrays of equal length")
        valid = np.isfinite(lat) & np.isfinite(lon)
        self._pos = np.flatnonzero(valid)
        self._lat = np.ascontiguousarray(np.radians(lat[valid]))
        self._lon = np.ascontiguousarray(np.radians(lon[valid]))
        self._cos = np.cos(self._lat)
        #: Number of rows with usable coordinates.
        self.size = int(self._pos.size)

    @classmethod
    def from_frame(
        cls, frame: pd.DataFrame, *, lat_col: str = "lat", lon_col: str = "lon"
    ) -> NearestIndex:
        """Build an index from the coordinate columns of a frame.

        Parameters
        ----------
        frame : pandas.DataFrame
            Any frame; missing or non-numeric coordinates are skipped.
        lat_col, lon_col : str
            Column names.

        Returns
        -------
        NearestIndex
        """
        lats = pd.to_numeric(frame[lat_col], errors="coerce").to_numpy(np.float64, na_value=np.nan)
        lons = pd.to_numeric(frame[lon_col], errors="coerce").to_numpy(np.float64, na_value=np.nan)
        return cls(lats, lons)

    def query(
        self,
        lat: float,
        lon: float,
        k: int | None = None,
        radius_km: float | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Find the rows nearest to a point.

        Parameters
        ----------
        lat, lon : float
            Query point in decimal degrees.
        k : int, optional
            Return at most this many rows (all when None).
        radius_km : float, optional
            Return only rows within this distance (inclusive).

        Returns
        -------
        positions : numpy.ndarray of int64
            Row positions in input order, nearest first (ties by position).
        distances : numpy.ndarray of float64
            Matching distances in kilometres.
        """
        empty = (np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64))
        if self.size == 0 or (k is not None and k <= 0):
            return empty
        if not (np.isfinite(lat) and np.isfinite(lon)):
            return empty
        lat1, lon1 = np.radians(float(lat)), np.radians(float(lon))
        # Haversine "a" term; monotonic in distance, so select on it and only
        # take arcsin/sqrt of the survivors.
        a = np.sin((self._lat - lat1) * 0.5)
        a *= a
        s = np.sin((self._lon - lon1) * 0.5)
        s *= s
        s *= self._cos
        s *= np.cos(lat1)
        a += s

        cand: np.ndarray | None = None
        if radius_km is not None:
            if radius_km < 0:
                return empty
            half = min(radius_km / (2.0 * EARTH_RADIUS_KM), np.pi / 2)
            # Small epsilon so points exactly on the circle are kept; the exact
            # check happens on the final distances below.
            cand = np.flatnonzero(a <= np.sin(half) ** 2 * (1 + 1e-12) + 1e-18)
        if k is not None and k < (self.size if cand is None else cand.size):
            sub = a if cand is None else a[cand]
            part = np.argpartition(sub, k - 1)[:k]
            # Include every row tied with the k-th value so ordering by
            # position among equal distances is exact.
            kth = sub[part].max()
            part = np.flatnonzero(sub <= kth)
            cand = part if cand is None else cand[part]
        if cand is None:
            cand = np.arange(self.size)
        av = a[cand]
        # ``cand`` is ascending here, so a stable sort breaks ties by position.
        order = np.argsort(av, kind="stable")
        cand = cand[order]
        dist = 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(av[order], 0.0, 1.0)))
        if radius_km is not None:
            keep = dist <= radius_km
            cand, dist = cand[keep], dist[keep]
        if k is not None:
            cand, dist = cand[:k], dist[:k]
        return self._pos[cand], dist


def nearest(
    frame: pd.DataFrame,
    lat: float,
    lon: float,
    *,
    k: int | None = None,
    radius_km: float | None = None,
    lat_col: str = "lat",
    lon_col: str = "lon",
    index: NearestIndex | None = None,
) -> pd.DataFrame:
    """Rows of *frame* sorted by straight-line distance from a point.

    Parameters
    ----------
    frame : pandas.DataFrame
        Table with coordinate columns; rows without coordinates are dropped.
    lat, lon : float
        Query point in decimal degrees.
    k : int, optional
        Keep only the *k* nearest rows.
    radius_km : float, optional
        Keep only rows within this distance.
    lat_col, lon_col : str
        Coordinate column names.
    index : NearestIndex, optional
        Prebuilt index for *frame* (must have been built from the same frame);
        saves rebuilding the coordinate arrays on every call.

    Returns
    -------
    pandas.DataFrame
        A copy of the selected rows, nearest first, with an added float
        column ``distance_km``.
    """
    idx = (
        index
        if index is not None
        else NearestIndex.from_frame(frame, lat_col=lat_col, lon_col=lon_col)
    )
    pos, dist = idx.query(lat, lon, k=k, radius_km=radius_km)
    out = frame.iloc[pos].copy()
    out["distance_km"] = dist
    return out
