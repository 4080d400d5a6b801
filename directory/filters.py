"""One registry of the app's URL parameters: how each is read, written, filters and reads aloud.

Modelled on datasette's ``filters.py``: each parameter is **one** :class:`Param` entry —
URL name, attribute, allowed values, default, widget kind, label key, how an option is
labelled, how it filters the offers and how it is described in a sentence. Everything else
is generic:

* :class:`ParamSet` — a page's choice of parameters (the finder uses all of them, the
  fields-of-action page only ``feld``, the shell only ``lang``);
* :class:`Query` — the immutable values of one :class:`ParamSet` read from a URL
  (:meth:`Query.from_params` never raises: malformed values are dropped and named in
  ``dropped``), written back (:meth:`Query.to_params`), applied to the offers
  (:meth:`Query.apply`) and described (:meth:`Query.describe`);
* ``ui/filters.py`` renders a parameter's widget from the same entry.

Adding a filter is one :class:`Param` in :data:`PARAMS` plus its label in the catalogues.
A page picks its subset, e.g. ``ParamSet.of("feld", "art", "gruppe")``; a parameter only one
page knows (the gap page's ``k``, the network map's ``ebene``) is a :class:`Param` built with
the same helpers in that page's query module and joined with :meth:`ParamSet.page`, so the
shared ones (``feld``, ``art``, ``gruppe``) have exactly one definition for every page:

>>> class NetworkQuery(Query):
...     params = ParamSet.of("feld", "art")
>>> query = NetworkQuery.from_params({"feld": "schule", "art": "<script>", "q": "ignored"})
>>> query.field, query.kind, query.dropped
('schule', None, ('art',))
>>> query.to_params()
{'feld': 'schule'}

No Streamlit here: the domain never imports it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from directory.hours import BERLIN, is_open
from directory.taxonomy import FIELD_IDS, KIND_IDS, LANGUAGE_CODES, TARGET_GROUP_IDS
from i18n import DEFAULT_LANGUAGE, LANGUAGES, t, t_easy
from i18n.localedata import language_name

RADIUS_CHOICES: tuple[int, ...] = (5, 10, 25, 50, 100, 200)
DEFAULT_RADIUS = 25
MAX_QUERY_LENGTH = 100
MAX_KEY_LENGTH = 80

#: Widget kinds a parameter can have (rendered by ``ui/filters.py``).
WIDGETS = ("text", "select", "checkbox", "radio", "slider")


class Invalid(ValueError):
    """A URL value a parameter does not accept (the parameter is dropped, never raised)."""


class Partly(Invalid):
    """A URL value a parameter accepts only in part (e.g. a list with a bad item): the good
    part ``value`` is kept and the parameter is still named as dropped."""

    def __init__(self, raw: str, value: Any) -> None:
        super().__init__(raw)
        self.value = value


def first(value: object) -> str | None:
    """The single string of a URL value (a repeated parameter gives a list: take the first).

    >>> first(["a", "b"]), first("x"), first([]), first(None), first(3)
    ('a', 'x', None, None, '3')
    """
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    return None if value is None else str(value)


def clean_text(raw: str, limit: int) -> str:
    """Whitespace collapsed, control characters and lone surrogates removed, cut to ``limit``.

    Format characters stay (the zero-width non-joiner is part of Persian spelling).

    >>> clean_text("  Göttingen\\n\\x00 Weende  ", 100)
    'Göttingen Weende'
    >>> clean_text("x" * 500, 100) == "x" * 100
    True
    >>> clean_text("ab cd", 3)
    'ab'

    """
    kept = "".join(ch for ch in raw if unicodedata.category(ch) not in ("Cc", "Cs") or ch.isspace())
    return " ".join(kept.split())[:limit].rstrip()  # a cut may end on a space


# --------------------------------------------------------------------------- filters
# A filter gets the rows still in play and the parameter's value and returns a boolean
# array of the rows to keep (never a pandas object: boolean indexing of an empty frame by
# an empty object Series would select *columns* and drop them all).


@dataclass(frozen=True)
class FilterContext:
    """What a filter may need besides its value: the moment "now"."""

    now: datetime


Filter = Callable[[pd.DataFrame, Any, FilterContext], np.ndarray]


def _contains(column: str) -> Filter:
    """Rows whose tuple ``column`` contains the value (None or missing: no)."""

    def match(frame: pd.DataFrame, value: Any, ctx: FilterContext) -> np.ndarray:
        cells = frame[column].to_numpy(dtype=object)
        return np.fromiter(
            (isinstance(v, list | tuple) and value in v for v in cells), bool, len(cells)
        )

    return match


def _equals(column: str, wanted: Any = None) -> Filter:
    """Rows whose ``column`` equals the value (or ``wanted`` for a flag)."""

    def match(frame: pd.DataFrame, value: Any, ctx: FilterContext) -> np.ndarray:
        target = value if wanted is None else wanted
        return (frame[column] == target).fillna(False).to_numpy(dtype=bool)

    return match


def _open_now(frame: pd.DataFrame, value: Any, ctx: FilterContext) -> np.ndarray:
    """Open at ``ctx.now``; unknown hours are kept (they may be open; the card says so)."""
    hours = frame["opening_hours"].to_numpy(dtype=object)
    return np.fromiter(
        (not isinstance(h, dict) or is_open(h, ctx.now) is not False for h in hours),
        bool, len(hours),
    )  # fmt: skip


# --------------------------------------------------------------------------- parameters


@dataclass(frozen=True)
class Param:
    """One URL parameter, everything the app knows about it.

    ``parse`` turns the URL string into a value or raises :class:`Invalid`; ``format``
    does the reverse. ``choices`` are the allowed values in widget order (``None`` for free
    text); with ``default=None`` a select widget offers "any" first. ``option_label(value,
    lang)`` names a choice (or ``option_prefix``: the catalogue key ``<prefix>.<value>``,
    which may have a Leichte-Sprache variant), ``describe(value, lang, easy)`` says what the
    filter does in a sentence part. ``match`` filters the offers (only parameters with one are
    filters). ``label`` and ``option`` take ``easy``: the German Leichte-Sprache variant of
    the text where the catalogue has one (:func:`i18n.t_easy`). ``term_prefix`` names the
    programme's own term of a choice (``field.*``, ``kind.*``), which the pages for planners
    and coordinators show (:meth:`term`) where the finder shows plain names.
    """

    name: str
    attr: str
    parse: Callable[[str], Any]
    default: Any = None
    format: Callable[[Any], str] = str
    choices: tuple[Any, ...] | None = None
    widget: str | None = None
    label_key: str | None = None
    option_label: Callable[[Any, str, bool], str] | None = None
    match: Filter | None = None
    describe: Callable[[Any, str, bool], str] | None = None
    option_prefix: str | None = None
    term_prefix: str | None = None

    def __post_init__(self) -> None:
        if self.widget is not None and self.widget not in WIDGETS:
            raise ValueError(f"unknown widget kind {self.widget!r}")

    @property
    def is_filter(self) -> bool:
        return self.match is not None

    def read(self, params: Mapping[str, object],
             allowed: Collection[Any] | None = None) -> tuple[Any, bool]:  # fmt: skip
        """``(value, ok)`` of this parameter in ``params``; absent or empty is the default.

        ``allowed`` narrows the values further where they are known only at run time
        (the network map's networks and districts come from the store).
        """
        raw = first(params.get(self.name))
        if raw is None or raw == "":
            return self.default, True
        try:
            value = self.parse(raw)
        except Partly as part:
            return part.value, False
        except (Invalid, ValueError):
            return self.default, False
        if allowed is not None and value not in allowed:
            return self.default, False
        return value, True

    def write(self, value: Any) -> str:
        """The URL string of ``value`` ("" for the default: left out of the URL)."""
        return "" if value == self.default or value is None else self.format(value)

    def label(self, lang: str, easy: bool = False) -> str:
        return t_easy(self.label_key, lang, easy) if self.label_key else self.name

    def option(self, value: Any, lang: str, easy: bool = False) -> str:
        """The label of one choice; ``None`` is "any"."""
        if value is None:
            return t_easy("finder.any", lang, easy)
        if self.option_prefix:
            return t_easy(f"{self.option_prefix}.{value}", lang, easy)
        return self.option_label(value, lang, easy) if self.option_label else str(value)

    def term(self, value: Any, lang: str) -> str:
        """The programme's own term of a choice (planner and coordinator pages)."""
        if self.term_prefix and value is not None:
            return t(f"{self.term_prefix}.{value}", lang)
        return self.option(value, lang)


def one_of(choices: Collection[str]) -> Callable[[str], str]:
    """Parse a value that must be one of ``choices`` exactly."""

    def parse(raw: str) -> str:
        if raw not in choices:
            raise Invalid(raw)
        return raw

    return parse


def whole_number(low: int, high: int, step: int = 1) -> Callable[[str], int]:
    """Parse ASCII digits giving a multiple of ``step`` (counted from 0) in ``[low, high]``.

    >>> parse = whole_number(5, 100, 5)
    >>> parse("30")
    30
    >>> [_refused(parse, raw) for raw in ("7", "105", "-5", "²", "٣٠", " 30")]
    [True, True, True, True, True, True]
    """

    def parse(raw: str) -> int:
        if not (raw.isascii() and raw.isdigit()):
            raise Invalid(raw)
        value = int(raw)
        if not low <= value <= high or value % step:
            raise Invalid(raw)
        return value

    return parse


def _refused(parse: Callable[[str], Any], raw: str) -> bool:
    try:
        parse(raw)
    except Invalid:
        return True
    return False


def _radius(raw: str) -> int:
    if not (raw.isascii() and raw.isdigit()) or int(raw) not in RADIUS_CHOICES:
        raise Invalid(raw)
    return int(raw)


def _flag(raw: str) -> bool:
    if raw not in ("0", "1"):
        raise Invalid(raw)
    return raw == "1"


def _key(raw: str) -> str | None:
    return clean_text(raw, MAX_KEY_LENGTH).replace(" ", "") or None


def choice(
    name: str, attr: str, choices: tuple[str, ...], *, label_key: str, option_prefix: str,
    match: Filter | None = None, default: str | None = None, widget: str = "select",
    term_prefix: str | None = None,
) -> Param:  # fmt: skip
    """A select (or radio) parameter whose options are catalogue keys ``<option_prefix>.<id>``."""
    return Param(
        name, attr, one_of(choices), default=default, choices=choices, widget=widget,
        label_key=label_key, option_prefix=option_prefix, term_prefix=term_prefix,
        match=match,
        describe=lambda v, lang, easy=False: t_easy(f"{option_prefix}.{v}", lang, easy),
    )  # fmt: skip


def flag(name: str, attr: str, *, label_key: str, match: Filter) -> Param:
    """A checkbox parameter: ``1`` on, ``0`` or absent off."""
    return Param(
        name, attr, _flag, default=False, format=lambda v: "1", widget="checkbox",
        label_key=label_key, match=match,
        describe=lambda v, lang, easy=False: t_easy(label_key, lang, easy),
    )  # fmt: skip


#: Every URL parameter of the app, in URL and widget order.
PARAMS: tuple[Param, ...] = (
    Param("q", "q", lambda raw: clean_text(raw, MAX_QUERY_LENGTH), default="",
          widget="text", label_key="finder.search_label"),
    Param("r", "radius_km", _radius, default=DEFAULT_RADIUS, choices=RADIUS_CHOICES,
          widget="select", label_key="finder.radius",
          option_label=lambda km, lang, easy=False: t_easy("finder.radius_option", lang, easy,
                                                            km=km)),
    # plain names (the programme's names are ``field.*`` / ``kind.*``, see ui/plain.py)
    choice("feld", "field", FIELD_IDS, label_key="finder.field", option_prefix="plain.field",
           match=_contains("fields"), term_prefix="field"),
    choice("art", "kind", KIND_IDS, label_key="finder.kind", option_prefix="plain.kind",
           match=_equals("kind"), term_prefix="kind"),
    choice("gruppe", "group", TARGET_GROUP_IDS, label_key="finder.group",
           option_prefix="group", match=_contains("target_groups")),
    Param("sprache", "language", one_of(LANGUAGE_CODES), choices=LANGUAGE_CODES,
          widget="select", label_key="finder.language",
          option_label=lambda code, lang, easy=False: language_name(code, lang),
          match=_contains("languages"),
          describe=lambda code, lang, easy=False: t_easy(
              "finder.describe_language", lang, easy, language=language_name(code, lang))),
    flag("barrierefrei", "accessible", label_key="finder.accessible",
         match=_equals("accessibility", "yes")),
    # last among the filters: the most expensive one sees the fewest rows
    flag("offen", "open_now", label_key="finder.open_now", match=_open_now),
    Param("wahl", "selected", _key),
    # the finder's Leichte-Sprache mode (German only; not a filter)
    Param("ls", "easy", _flag, default=False, format=lambda v: "1", widget="checkbox",
          label_key="plain.easy_toggle"),
    Param("lang", "lang", one_of(tuple(LANGUAGES)), default=DEFAULT_LANGUAGE,
          choices=tuple(LANGUAGES), widget="select", label_key="shell.language",
          option_label=lambda code, lang, easy=False: LANGUAGES[code].name),
)  # fmt: skip

BY_NAME: dict[str, Param] = {p.name: p for p in PARAMS}
if len(BY_NAME) != len(PARAMS) or len({p.attr for p in PARAMS}) != len(PARAMS):
    raise ValueError("URL names and attributes of PARAMS must be unique")


@dataclass(frozen=True)
class ParamSet:
    """The parameters one page uses (in registry order)."""

    params: tuple[Param, ...]

    @classmethod
    def of(cls, *names: str) -> ParamSet:
        """The registry's parameters called ``names`` (``KeyError`` for an unknown name)."""
        wanted = {BY_NAME[n].name for n in names}
        return cls(tuple(p for p in PARAMS if p.name in wanted))

    @classmethod
    def page(cls, *entries: str | Param) -> ParamSet:
        """A page's parameters in URL order: a name takes the registry's entry, a
        :class:`Param` is the page's own (a name the registry has must then be meant as a
        different parameter of that page, e.g. the gap page's slider radius ``r``).

        ``ValueError`` for a URL name or attribute given twice.
        """
        params = tuple(BY_NAME[e] if isinstance(e, str) else e for e in entries)
        if len({p.name for p in params}) != len(params) or (
                len({p.attr for p in params}) != len(params)):  # fmt: skip
            raise ValueError("URL names and attributes of a page must be unique")
        return cls(params)

    def __iter__(self) -> Iterator[Param]:
        return iter(self.params)

    def __getitem__(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    @property
    def filters(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.is_filter)


class Query:
    """Immutable values of a :class:`ParamSet`, read from and written to a URL.

    Subclasses set ``params``; values are attributes named by :attr:`Param.attr`.
    Equality ignores ``dropped`` (the names of malformed parameters of the URL read).
    """

    params: ClassVar[ParamSet]
    __slots__ = ("_values", "dropped")

    def __init__(self, *, dropped: tuple[str, ...] = (), **values: Any) -> None:
        known = {p.attr: p for p in self.params}
        unknown = set(values) - set(known)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no parameter {sorted(unknown)}")
        merged = {attr: values.get(attr, p.default) for attr, p in known.items()}
        object.__setattr__(self, "_values", merged)
        object.__setattr__(self, "dropped", tuple(dropped))

    def __getattr__(self, attr: str) -> Any:
        try:
            return object.__getattribute__(self, "_values")[attr]
        except KeyError:
            raise AttributeError(attr) from None

    def __setattr__(self, attr: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable; use with_()")

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other._values == self._values  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self), tuple(self._values.items())))

    def __reduce__(self) -> tuple:
        """Pickled as class + values (Streamlit's cache pickles results holding a query and
        hashes arguments by this; ``__setattr__`` refuses the default way)."""
        return type(self), (), (self._values, self.dropped)

    def __setstate__(self, state: tuple[dict[str, Any], tuple[str, ...]]) -> None:
        values, dropped = state
        object.__setattr__(self, "_values", dict(values))
        object.__setattr__(self, "dropped", tuple(dropped))

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in self._values.items())
        return f"{type(self).__name__}({shown})"

    @classmethod
    def from_params(cls, params: Mapping[str, object], *,
                    allowed: Mapping[str, Collection[Any]] | None = None) -> Query:  # fmt: skip
        """Read the query from URL parameters; invalid values are dropped, never raised.

        Parameters of other pages (e.g. ``lang`` on the finder) are ignored. ``allowed``
        maps a URL name to the values it may take here when only the store knows them.
        """
        values, dropped = {}, []
        allowed = allowed or {}
        for p in cls.params:
            value, ok = p.read(params, allowed.get(p.name))
            values[p.attr] = value
            if not ok:
                dropped.append(p.name)
        return cls(dropped=tuple(dropped), **values)

    def to_params(self) -> dict[str, str]:
        """The URL parameters of this query (defaults left out, registry order)."""
        out = {p.name: p.write(self._values[p.attr]) for p in self.params}
        return {k: v for k, v in out.items() if v}

    def with_(self, **changes: Any) -> Query:
        """A copy with some values changed (``dropped`` is kept: it describes the URL read)."""
        return type(self)(dropped=self.dropped, **{**self._values, **changes})

    def value(self, param: Param) -> Any:
        return self._values[param.attr]

    @property
    def active_filters(self) -> tuple[Param, ...]:
        """The filter parameters set to something other than their default."""
        return tuple(p for p in self.params.filters if self._values[p.attr] != p.default)

    @property
    def has_filters(self) -> bool:
        return bool(self.active_filters)

    def apply(self, offers: pd.DataFrame, *, now: datetime | None = None) -> pd.DataFrame:
        """Offers matching every active filter, in their order, with all their columns."""
        active = self.active_filters
        if not active:
            return offers
        ctx = FilterContext(now=now or datetime.now(BERLIN))
        result = offers
        for p in active:  # each filter sees only the rows left by the ones before
            keep = np.asarray(p.match(result, self._values[p.attr], ctx), dtype=bool)
            result = result.iloc[np.flatnonzero(keep)]
        return result

    def describe_parts(self, lang: str, easy: bool = False) -> list[str]:
        """One sentence part per active filter, in the UI language (``easy``: in German
        Leichte Sprache where the catalogue has it)."""
        return [p.describe(self._values[p.attr], lang, easy) for p in self.active_filters
                if p.describe is not None]  # fmt: skip
