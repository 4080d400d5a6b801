"""Maintaining the directory: create, edit, retire/restore, confirm, history, restore a version.

A pure domain service (no Streamlit); the ``daten`` page and tests drive it. Everything goes
through :class:`Editor`:

* **one transaction per operation** — a refused operation (permission, stale version,
  validation) writes nothing at all;
* **optimistic locking** — every write takes the ``expected_version`` the editor loaded; when
  the stored record has moved on, :class:`EditConflict` carries *both* versions (the stored
  one and the attempted one) and nothing is overwritten;
* **validation** — field-level :class:`FieldProblem` s (from :mod:`directory.validate` when
  present); errors in the fields being changed refuse the write (:class:`ValidationFailed`),
  pre-existing problems in untouched fields never block an unrelated edit;
* **placement** — a location given only a postcode and/or place gets coordinates, precision
  (``postcode``/``place``) and district from the gazetteer (:meth:`geo.gazetteer.Gazetteer.locate`);
  typed coordinates count as precision ``address``;
* **permissions** — admin: everything; coordinator: records located in districts assigned
  (``NetworkAssignment``) to one of their networks, plus the assignment of those districts;
  viewer: nothing;
* **history** — every write leaves an ``AuditLog`` row (who, when, before → after);
  :meth:`Editor.restore_version` brings an earlier state back as a *new* audited change.

Offers carry a virtual field ``phone`` (the first :class:`~directory.model.Phone` of the
service); changing it bumps the service's version, so the lock covers it too.

The package is split by concern: :mod:`~directory.editing.fields` (what can be edited,
coercion, validation), :mod:`~directory.editing.errors`, and the parts of :class:`Editor` —
:mod:`~directory.editing.editor` (reads and writes), :mod:`~directory.editing.permissions`,
:mod:`~directory.editing.history`, :mod:`~directory.editing.networks` and
:mod:`~directory.editing.listing`.
"""

from directory.editing.editor import Editor
from directory.editing.errors import (
    Change,
    EditConflict,
    EditError,
    FieldChange,
    FieldProblem,
    NotSupported,
    PermissionDenied,
    ValidationFailed,
)
from directory.editing.fields import (
    FIELDS,
    STALE_AFTER_DAYS,
    TABLES,
    FieldSpec,
    coerce,
    editable,
    flat_row,
    validate,
)

__all__ = [
    "FIELDS",
    "STALE_AFTER_DAYS",
    "TABLES",
    "Change",
    "EditConflict",
    "EditError",
    "Editor",
    "FieldChange",
    "FieldProblem",
    "FieldSpec",
    "NotSupported",
    "PermissionDenied",
    "ValidationFailed",
    "coerce",
    "editable",
    "flat_row",
    "validate",
]
