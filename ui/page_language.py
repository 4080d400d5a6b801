"""The shell bar: the language switch at the top of every page, the page's language for the
browser, and Streamlit's own labels in the UI language.

One tiny first-party component (``st.components.v2``, no third-party code) does three
things after every run:

* **language switch** — a ``<nav>`` (accessible name in the UI language) with one link per
  UI language (:data:`i18n.LANGUAGES`, so new languages appear by themselves), each named
  in its own script with ``lang``/``hreflang``/``dir``; the current one has
  ``aria-current``. A tap, a click or Enter sends the choice to Python (no page reload,
  the session and a login stay); the link's ``href`` (``?lang=…`` with the rest of the
  URL) works without script too. On a narrow screen the row scrolls sideways instead of
  pushing the page down, the current language scrolled into view (also in right-to-left
  rows), and an open sidebar closes after a choice.
* ``<html lang="…" dir="…">`` follow the UI language (WCAG 3.1.1; Streamlit writes
  ``lang="en"`` whatever the content, and no ``dir``).
* **Streamlit's own labels** — the sidebar toggle, drop-down placeholders and empty states,
  the file uploader's texts, "Press Enter to submit form" and the typed/maximum character
  count under a text box (in the language's digits) — which Streamlit 1.67 only has in
  English and does not let an app set (``placeholder=`` covers only the closed drop-down):
  a ``MutationObserver`` replaces exactly those English strings with the catalogue's
  (``i18n/<lang>/shell.yaml``).
  Texts are set with ``textContent``/``setAttribute``, never as HTML.
"""

from __future__ import annotations

import streamlit as st

from i18n import LANGUAGES, direction, t
from i18n.localedata import localize_digits
from ui.fonts import language_names_css

KEY = "shell_bar"

#: Streamlit's English texts (aria-label, title, text or placeholder) → catalogue keys.
STREAMLIT_LABELS: dict[str, str] = {
    "Expand sidebar": "shell.st.expand_sidebar",
    "Collapse sidebar": "shell.st.collapse_sidebar",
    "Choose an option": "shell.st.choose_option",
    "Choose options": "shell.st.choose_options",
    "No options to select": "shell.st.no_options",
    "No options to select.": "shell.st.no_options",
    "No results": "shell.st.no_results",
    "Clear all": "shell.st.clear_all",
    "Select all": "shell.st.select_all",
    "Upload": "shell.st.upload",
    "Drag and drop a file here": "shell.st.drop_file",
    "Drag and drop files here": "shell.st.drop_files",
    "Press Enter to submit form": "shell.st.enter_submit",
    "Press Enter to apply": "shell.st.enter_apply",
}
#: "200MB per file": the size is kept, the words come from ``shell.st.per_file`` ({size}).
PER_FILE_KEY = "shell.st.per_file"

_CSS = """
.atlas-langs{display:flex;flex-wrap:wrap;gap:.25rem .5rem;margin:0 0 .25rem;padding:0;
  list-style:none}
.atlas-langs a{display:inline-flex;align-items:center;min-height:44px;min-width:44px;
  padding:0 .6rem;border:1px solid #c9ced6;border-radius:.4rem;color:#0b5cad;
  text-decoration:none;white-space:nowrap;background:#fff}
.atlas-langs a[aria-current]{background:#0b5cad;color:#fff;border-color:#0b5cad;font-weight:600}
.atlas-langs a:focus-visible{outline:3px solid #0b5cad;outline-offset:2px}
@media (max-width: 640px){
  .atlas-langs{flex-wrap:nowrap;overflow-x:auto;-webkit-overflow-scrolling:touch;
    scrollbar-width:thin;padding-bottom:2px}
}
"""

# Everything from ``data`` is set with textContent / setAttribute, never innerHTML.
_JS = r"""
const TEXT_ROOTS = '[data-testid="stSelectbox"],[data-testid="stMultiSelect"],' +
  '[data-testid="stFileUploader"],[data-baseweb="popover"],[role="listbox"],' +
  '[data-testid="InputInstructions"]';

function translate(state) {
  const labels = state.labels, perFile = state.perFile, digits = state.digits;
  if (!labels) return;
  for (const el of document.querySelectorAll("[aria-label],[title],input[placeholder]")) {
    for (const attr of ["aria-label", "title", "placeholder"]) {
      const value = el.getAttribute(attr);
      if (value && Object.prototype.hasOwnProperty.call(labels, value)) {
        el.setAttribute(attr, labels[value]);
      }
    }
  }
  for (const root of document.querySelectorAll(TEXT_ROOTS)) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      const text = node.data.trim();
      if (!text) continue;
      if (Object.prototype.hasOwnProperty.call(labels, text)) {
        node.data = labels[text];
      } else if (perFile && / per file$/.test(text)) {
        node.data = perFile.replace("{size}", text.slice(0, -9));
      } else if (digits && /^[0-9]+\/[0-9]+$/.test(text)) {  // typed/max characters
        node.data = text.replace(/[0-9]/g, (d) => digits[Number(d)]);
      }
    }
  }
}

// On a phone the row scrolls sideways: bring the current language into view (centred when
// it was not fully visible), at once, without moving the page. scrollBy moves the view by the
// same amount in left-to-right and right-to-left rows, so this holds for Arabic and Farsi.
function showCurrent(list) {
  const current = list.querySelector("a[aria-current]");
  if (!current || list.scrollWidth <= list.clientWidth) return;
  const row = list.getBoundingClientRect(), item = current.getBoundingClientRect();
  if (item.left >= row.left && item.right <= row.right) return;
  const delta = (item.left + item.right) / 2 - (row.left + row.right) / 2;
  list.scrollBy({left: delta, behavior: "instant"});
}

function closeSidebarOnPhone() {
  if (window.innerWidth > 768) return;
  const sidebar = document.querySelector('[data-testid="stSidebar"]');
  if (!sidebar || sidebar.getAttribute("aria-expanded") === "false") return;
  const button = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
  if (button) button.click();
}

export default function(component) {
  const { data, setTriggerValue, parentElement } = component;
  if (!data) return;
  const root = document.documentElement;
  if (typeof data.lang === "string" && /^[a-z]{2,3}$/.test(data.lang)) root.lang = data.lang;
  if (data.dir === "ltr" || data.dir === "rtl") root.dir = data.dir;

  let nav = parentElement.querySelector("nav.atlas-langbar");
  if (!nav) {
    nav = document.createElement("nav");
    nav.className = "atlas-langbar";
    nav.appendChild(document.createElement("ul")).className = "atlas-langs";
    parentElement.appendChild(nav);
  }
  nav.setAttribute("aria-label", data.label || "");
  nav.setAttribute("lang", data.lang);
  nav.setAttribute("dir", data.dir);
  const list = nav.querySelector("ul");
  list.replaceChildren();
  for (const option of data.options || []) {
    const link = document.createElement("a");
    const params = new URLSearchParams(window.location.search);
    params.set("lang", option.code);
    link.href = "?" + params.toString();
    link.textContent = option.name;
    link.setAttribute("lang", option.code);
    link.setAttribute("hreflang", option.code);
    link.setAttribute("dir", option.dir);
    if (option.code === data.lang) link.setAttribute("aria-current", "true");
    link.addEventListener("click", (event) => {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      closeSidebarOnPhone();
      if (option.code !== data.lang) setTriggerValue("lang", option.code);
    });
    list.appendChild(document.createElement("li")).appendChild(link);
  }
  showCurrent(list);
  requestAnimationFrame(() => showCurrent(list));  // again once the fonts are laid out

  const state = window.__atlasShell || (window.__atlasShell = {});
  state.labels = data.labels;
  state.perFile = data.perFile;
  state.digits = data.digits;
  translate(state);
  if (!state.observer) {
    let queued = false;
    state.observer = new MutationObserver(() => {
      if (queued) return;
      queued = true;
      requestAnimationFrame(() => { queued = false; translate(state); });
    });
    state.observer.observe(document.body, {subtree: true, childList: true,
      characterData: true, attributes: true, attributeFilter: ["aria-label", "title",
      "placeholder"]});
  }
}
"""

_component = st.components.v2.component(
    "atlas_page_language", css=_CSS + language_names_css(), js=_JS, isolate_styles=False
)


def shell_data(lang: str) -> dict:
    """What the component needs: the languages, the page language and the labels."""
    return {
        "lang": lang,
        "dir": direction(lang),
        "label": t("shell.language_switch", lang),
        "options": [{"code": code, "name": language.name, "dir": language.direction}
                    for code, language in LANGUAGES.items()],
        "labels": {english: t(key, lang) for english, key in STREAMLIT_LABELS.items()},
        "perFile": t(PER_FILE_KEY, lang, size="{size}"),
        "digits": localize_digits("0123456789", lang),
    }  # fmt: skip


def _on_choose() -> None:
    from ui.state import choose_language

    choose_language(getattr(st.session_state.get(KEY), "lang", None))


def shell_bar(lang: str) -> None:
    """Mount the shell bar at the current place (the top of the main area)."""
    _component(key=KEY, data=shell_data(lang), on_lang_change=_on_choose)


def set_page_language(lang: str) -> None:
    """Backwards-compatible name: the shell bar also sets ``<html lang>``/``dir``."""
    shell_bar(lang)
