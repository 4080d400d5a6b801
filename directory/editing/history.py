"""History of a record and restoring an earlier version (as a new audited change)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from directory.auth import User
from directory.editing.errors import Change, FieldChange
from directory.editing.fields import DERIVED, TABLES, editable, from_json
from directory.model import (
    AuditLog,
)
from directory.store import NotFoundError


class HistoryMixin:
    """Part of :class:`directory.editing.Editor` (``history``)."""

    # -- history ---------------------------------------------------------------------------
    def history(self, table: str, record_id: str) -> list[Change]:
        """Every audited change of a record, oldest first (before → after per field)."""
        with self.store.session() as s:
            rows = s.scalars(
                select(AuditLog)
                .where(AuditLog.table_name == table, AuditLog.record_id == record_id)
                .order_by(AuditLog.id)
            ).all()
        skip = {"id", "version", "created_at", "created_by", "updated_at", "updated_by"}
        out = []
        for row in rows:
            before, after = row.before or {}, row.after or {}
            keys = [k for k in dict.fromkeys([*before, *after]) if k not in skip]
            fields = tuple(
                FieldChange(k, before.get(k), after.get(k))
                for k in keys
                if before.get(k) != after.get(k)
            )
            out.append(Change(row.id, row.at, row.actor, row.action, fields))
        return out

    def state_at(self, table: str, record_id: str, audit_id: int) -> dict[str, Any]:
        """The record's state right after audit entry ``audit_id`` (JSON values).

        Reconstructed backwards from the stored state by undoing every later change.
        """
        with self.store.session() as s:
            record = s.get(TABLES[table], record_id)
            if record is None:
                raise NotFoundError(f"{table} {record_id} not found")
            state = self._state(s, table, record)
            target = s.get(AuditLog, audit_id)
            if target is None or (target.table_name, target.record_id) != (table, record_id):
                raise NotFoundError(f"no change {audit_id} of {table} {record_id}")
            later = s.scalars(
                select(AuditLog)
                .where(
                    AuditLog.table_name == table,
                    AuditLog.record_id == record_id,
                    AuditLog.id > audit_id,
                )
                .order_by(AuditLog.id.desc())
            ).all()
            for row in later:
                state.update(row.before or {})
        return state

    def restore_version(
        self, table: str, record_id: str, audit_id: int, *, actor: User, expected_version: int
    ) -> dict[str, Any]:
        """Bring back the state after change ``audit_id`` as a new audited change."""
        model = TABLES[table]
        old = self.state_at(table, record_id, audit_id)
        keys = [*editable(table), *(DERIVED if table == "location" else ())]
        clean = {k: from_json(model, k, old.get(k)) for k in keys if k in old}
        return self._write(
            table,
            record_id,
            clean,
            [],
            actor=actor,
            expected_version=expected_version,
            action=f"restore:{audit_id}",
            place=False,
        )
