""""Near me": the browser's geolocation, asked only after a click, turned into a postcode.

Built on Streamlit's own custom-component API (``st.components.v2``), so no third-party
package or script is involved. The browser asks the visitor for consent; the position goes
to the server only as a trigger value, is mapped at once to the nearest postcode
(:func:`geo.geocode.nearest_postcode`) and then dropped. The URL, a shared link and the
server see the postcode only, never the precise position; nothing is stored or logged.
"""

from __future__ import annotations

import math

import streamlit as st

from geo.geocode import nearest_postcode
from i18n import t_easy

KEY = "near_me"
_NOTICE = "_near_me_notice"

_HTML = '<button type="button" class="near-me"></button><p class="status" role="status"></p>'
_CSS = """
.near-me {
  font: inherit; min-height: 2.75rem; padding: 0.4rem 0.9rem; cursor: pointer;
  border: 1px solid rgba(49, 51, 63, 0.3); border-radius: 0.5rem;
  background: var(--st-background-color, #fff); color: var(--st-text-color, #31333f);
}
.near-me:hover { border-color: var(--st-primary-color, #0b57a4); }
.near-me:focus-visible { outline: 3px solid var(--st-primary-color, #0b57a4); outline-offset: 2px; }
.status { margin: 0.25rem 0 0; min-height: 1em; font-size: 0.9em; }
"""
# Labels arrive as data and are set with textContent (never innerHTML).
_JS = """
export default function(component) {
  const { data, setTriggerValue, parentElement } = component;
  const button = parentElement.querySelector("button.near-me");
  const status = parentElement.querySelector(".status");
  button.textContent = data.label;
  button.onclick = () => {
    if (!("geolocation" in navigator)) { setTriggerValue("error", "unsupported"); return; }
    status.textContent = data.waiting;
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        status.textContent = "";
        setTriggerValue("position", {lat: pos.coords.latitude, lon: pos.coords.longitude});
      },
      (err) => {
        status.textContent = "";
        setTriggerValue("error", err.code === 1 ? "denied" : "unavailable");
      },
      {enableHighAccuracy: false, timeout: 15000, maximumAge: 600000});
  };
}
"""

_component = st.components.v2.component("atlas_near_me", html=_HTML, css=_CSS, js=_JS)


def postcode_for(position: object) -> str | None:
    """The postcode for a trigger value ``{"lat": …, "lon": …}``; ``None`` if unusable."""
    if not isinstance(position, dict):
        return None
    try:
        lat, lon = float(position["lat"]), float(position["lon"])
    except (KeyError, TypeError, ValueError):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    return nearest_postcode(lat, lon)


def _on_position(on_postcode) -> None:
    plz = postcode_for(getattr(st.session_state.get(KEY), "position", None))
    if plz is None:
        st.session_state[_NOTICE] = "outside"
    else:
        st.session_state.pop(_NOTICE, None)
        on_postcode(plz)


def _on_error() -> None:
    st.session_state[_NOTICE] = str(getattr(st.session_state.get(KEY), "error", "unavailable"))


def near_me_button(lang: str, on_postcode, easy: bool = False) -> None:
    """Render the "near me" button; ``on_postcode(plz)`` runs when a position arrived
    (``easy``: its texts in German Leichte Sprache)."""
    _component(
        key=KEY,
        data={"label": t_easy("finder.near_me", lang, easy),
              "waiting": t_easy("finder.near_me_waiting", lang, easy)},
        on_position_change=lambda: _on_position(on_postcode),
        on_error_change=_on_error,
    )
    notice = st.session_state.pop(_NOTICE, None)
    if notice:
        key = {"outside": "finder.near_me_outside", "denied": "finder.near_me_denied"}.get(
            notice, "finder.near_me_unavailable"
        )
        st.warning(t_easy(key, lang, easy), icon=":material/location_off:")
