"""Who operates this instance and is responsible for it, from the environment.

The project ships no operator: until the settings below are given, the info page shows a
visible placeholder. A public body in Lower Saxony fills in:

* ``ATLAS_OPERATOR_NAME``, ``ATLAS_OPERATOR_ADDRESS``, ``ATLAS_OPERATOR_EMAIL`` — imprint and
  accessibility feedback contact;
* ``ATLAS_CONTROLLER_NAME``, ``ATLAS_CONTROLLER_ADDRESS``, ``ATLAS_CONTROLLER_EMAIL`` — the
  controller of the privacy notice (each defaults to the operator's value);
* ``ATLAS_DPO_NAME``, ``ATLAS_DPO_EMAIL`` — the data protection officer;
* ``ATLAS_LOG_RETENTION_DAYS`` — after how many days the server logs are deleted;
* ``ATLAS_ACCESSIBILITY_REVIEWED`` — date (``YYYY-MM-DD``) of the last review of the
  accessibility statement (defaults to the date the statement was written).

Values are shown as plain text (escaped), never as markup.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date

PLACEHOLDER = "[vom Betreiber einzutragen / to be filled in by the operator]"
#: When the accessibility statement and the privacy notice were written (self-assessment).
STATEMENT_DATE = date(2026, 11, 30)


@dataclass(frozen=True)
class Operator:
    name: str
    address: str
    email: str
    controller_name: str
    controller_address: str
    controller_email: str
    dpo_name: str
    dpo_email: str
    log_retention_days: int | None  # None: not configured (placeholder shown)
    accessibility_reviewed: date | str  # a date, or the operator's unparsable text


def _days(raw: str | None) -> int | None:
    return int(raw) if raw and raw.strip().isdigit() and raw.isascii() else None


def _date(raw: str | None, default: date) -> date | str:
    if not raw or not raw.strip():
        return default
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        return raw.strip()


def operator_settings(env: Mapping[str, str] | None = None) -> Operator:
    """Read the operator's details from the environment, with placeholders.

    >>> op = operator_settings({"ATLAS_OPERATOR_NAME": "Stadt X", "ATLAS_DPO_EMAIL": "dsb@x.de"})
    >>> op.controller_name, op.dpo_email, op.dpo_name == PLACEHOLDER, op.log_retention_days
    ('Stadt X', 'dsb@x.de', True, None)
    """
    env = os.environ if env is None else env

    def get(key: str, default: str = PLACEHOLDER) -> str:
        value = (env.get(key) or "").strip()
        return value or default

    name, address, email = (get("ATLAS_OPERATOR_NAME"), get("ATLAS_OPERATOR_ADDRESS"),
                            get("ATLAS_OPERATOR_EMAIL"))  # fmt: skip
    return Operator(
        name=name,
        address=address,
        email=email,
        controller_name=get("ATLAS_CONTROLLER_NAME", name),
        controller_address=get("ATLAS_CONTROLLER_ADDRESS", address),
        controller_email=get("ATLAS_CONTROLLER_EMAIL", email),
        dpo_name=get("ATLAS_DPO_NAME"),
        dpo_email=get("ATLAS_DPO_EMAIL"),
        log_retention_days=_days(env.get("ATLAS_LOG_RETENTION_DAYS")),
        accessibility_reviewed=_date(env.get("ATLAS_ACCESSIBILITY_REVIEWED"), STATEMENT_DATE),
    )


def format_day(value: date | str, lang: str) -> str:
    """A date in the UI language's long form; text the operator gave is returned as is.

    >>> format_day(date(2026, 11, 30), "de"), format_day(date(2026, 11, 30), "en")
    ('30. November 2026', 'November 30, 2026')
    """
    return format_date(value, format="long", locale=lang) if isinstance(value, date) else value
