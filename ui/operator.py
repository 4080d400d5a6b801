"""Who operates this instance (imprint, feedback contact), from the environment.

The project ships no operator: until ``ATLAS_OPERATOR_NAME``, ``ATLAS_OPERATOR_ADDRESS``
and ``ATLAS_OPERATOR_EMAIL`` are set, the info page shows a visible placeholder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

PLACEHOLDER = "[vom Betreiber einzutragen / to be filled in by the operator]"


@dataclass(frozen=True)
class Operator:
    name: str
    address: str
    email: str


def operator_settings() -> Operator:
    """Read the operator's details from the environment, with placeholders."""
    return Operator(
        name=os.environ.get("ATLAS_OPERATOR_NAME", PLACEHOLDER),
        address=os.environ.get("ATLAS_OPERATOR_ADDRESS", PLACEHOLDER),
        email=os.environ.get("ATLAS_OPERATOR_EMAIL", PLACEHOLDER),
    )
