"""Stable record ids: UUID v5 derived from what identifies a row in its source.

Seeded and demo rows get the same id on every rebuild, so links, bookmarks and audit
history survive a re-import. Hand-made records use random UUID v4 (``model.new_id``).
"""

from __future__ import annotations

import uuid

#: fixed namespace of the Integrationsatlas (uuid5 of the project URL, computed once).
NAMESPACE = uuid.UUID("6f1c8a52-4d0e-5b7a-9a43-1e2b7c5d9f30")


def stable_id(table: str, *parts: object) -> str:
    """Deterministic UUID string for a row of ``table`` identified by ``parts``.

    >>> stable_id("organization", "Asyl e.V.") == stable_id("organization", "Asyl e.V.")
    True
    >>> stable_id("organization", "a") != stable_id("service", "a")
    True
    """
    key = "\x1f".join([table, *(str(p) for p in parts)])
    return str(uuid.uuid5(NAMESPACE, key))
