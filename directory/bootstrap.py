"""Open the directory store ready for use: the one bootstrap of app, CLI and bench.

:func:`open_store` creates or upgrades the schema, mirrors the regional networks of the
reference data into the store (once), and — for the app — loads the default content (the
researched offices) into a store that has no real content yet; locations stored before the
district certainty existed get their district re-derived (:mod:`directory.placing`,
audited). The store module itself knows nothing of default content, so ``store`` ←
``networks`` ← ``seed`` ← ``bootstrap`` import in one direction only.
"""

from __future__ import annotations

from typing import Any

from directory.links import load_reference_memberships
from directory.networks import ensure_networks
from directory.placing import settle_districts
from directory.seed import SEED_ACTOR, load_offices
from directory.store import Store


def load_default_content(store: Store, *, actor: str = SEED_ACTOR, gazetteer: Any = None) -> int:
    """Load the default content if no real content is stored; returns services added.

    The sourced memberships of ``data/network_memberships.csv`` come with it (once, so a
    membership a coordinator removed is not brought back). Demo records do not count as
    content. Loading inserts only rows whose stable id is
    missing, so running it twice (or concurrently with a rebuild) adds nothing.
    """
    if not store.is_empty():
        return 0
    added = load_offices(store, actor=actor, gazetteer=gazetteer)["added"]
    load_reference_memberships(store)  # the sourced memberships of those organizations
    return added


def open_store(
    url: Any = None, *, default_content: bool = True, gazetteer: Any = None
) -> Store:
    """The store at ``url`` (an engine, a SQLAlchemy URL, or ``None`` for ``DATABASE_URL`` /
    the embedded SQLite file) with schema and regional networks in place.

    ``default_content`` also loads the researched offices into a store without real content
    (the app does; the CLI's data commands do not, so an import into a new store holds
    exactly the imported records).

    >>> store = open_store("sqlite://", default_content=False)
    >>> store.counts()["regional_network"] > 0, store.counts()["service"]
    (True, 0)
    """
    store = Store(url)
    store.create_schema()
    ensure_networks(store)
    if default_content:
        load_default_content(store, gazetteer=gazetteer)
    settle_districts(store, gazetteer)  # locations stored before schema 3 (once)
    return store
