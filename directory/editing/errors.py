"""Results and errors of editing operations (conflicts carry both versions)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from directory.editing.fields import FIELDS, editable
from directory.store import ConflictError
from directory.validate import (
    Problem,
)

# -- results and errors ------------------------------------------------------------------------
#: a field-level problem (``field``, ``code``, ``severity``, ``message_de``, ``params``)
FieldProblem = Problem


class EditError(RuntimeError):
    """Base of the refusals below; nothing was written."""


class PermissionDenied(EditError):
    """The user may not do this to this record."""


class NotSupported(EditError):
    """The operation does not exist for this kind of record."""


class ValidationFailed(EditError):
    """Field-level errors; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.field}: {p.message_de}" for p in problems))


class EditConflict(EditError, ConflictError):
    """Someone saved the record since it was loaded. Carries both versions; nothing written."""

    def __init__(
        self,
        table: str,
        record_id: str,
        *,
        stored: dict[str, Any],
        attempted: dict[str, Any],
        stored_version: int,
        attempted_version: int,
    ) -> None:
        self.table, self.record_id = table, record_id
        self.stored, self.attempted = stored, attempted
        self.stored_version, self.attempted_version = stored_version, attempted_version
        super().__init__(
            f"{table} {record_id}: stored version {stored_version}, "
            f"edited version {attempted_version}"
        )

    def differences(self) -> list[tuple[str, Any, Any]]:
        """``(field, stored, attempted)`` for every editable field that differs."""
        keys = editable(self.table) if self.table in FIELDS else tuple(self.attempted)
        return [
            (k, self.stored.get(k), self.attempted.get(k))
            for k in keys
            if self.stored.get(k) != self.attempted.get(k)
        ]


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class Change:
    """One audited change of a record."""

    audit_id: int
    at: dt.datetime
    actor: str | None
    action: str
    fields: tuple[FieldChange, ...] = field(default_factory=tuple)
