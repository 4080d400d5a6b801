"""Call links in map popups: only tel: URIs of E.164 numbers reach the browser."""

import pandas as pd
import pytest

from geo import maps

BAD = ["javascript:alert(1)", "tel:0551 55766", "tel:+49551\"><img src=x>", "https://x.de",
       "tel:+49", None, float("nan"), 12]  # fmt: skip


@pytest.mark.parametrize("bad", BAD)
def test_only_e164_tel_links_reach_the_popup(bad):
    frame = pd.DataFrame({"lat": [52.0, 52.1], "lon": [9.0, 9.1], "name": ["A", "B"],
                          "call": ["tel:+4955155766;ext=12", bad],
                          "call_text": ["0551 55766-12", "<b>x</b>"]})  # fmt: skip
    layer = maps.add_offer_points(maps.base_map(tiles=maps.TileConfig(None, "")), frame,
                                  popup_fields=("name",), call_field="call")  # fmt: skip
    assert layer.payload["call"] == ["tel:+4955155766;ext=12", ""]
    assert layer.payload["call_text"] == ["0551 55766-12", ""]


def test_without_a_call_field_no_links_are_sent():
    frame = pd.DataFrame({"lat": [52.0], "lon": [9.0], "name": ["A"]})
    layer = maps.add_offer_points(maps.base_map(tiles=maps.TileConfig(None, "")), frame,
                                  popup_fields=("name",))  # fmt: skip
    assert layer.payload["call"] is None


def test_the_offer_layer_script_parses(tmp_path):
    """The layer's JavaScript (popups with call links, spiderfy, open the chosen office)."""
    import re
    import shutil
    import subprocess

    node = shutil.which("node")
    assert node, "Node.js is needed for the tests (README test command)"
    frame = pd.DataFrame({"lat": [52.0, 52.1], "lon": [9.0, 9.1], "name": ["A", "B"],
                          "call": ["tel:+4955155766", ""], "call_text": ["0551 55766", ""]})
    m = maps.base_map(tiles=maps.TileConfig(None, ""))
    maps.add_offer_points(m, frame, popup_fields=("name",), call_field="call",
                          spiderfy_points=True, open_row=1)  # fmt: skip
    scripts = re.findall(r"<script>(.*?)</script>", m.get_root().render(), re.S)
    path = tmp_path / "map.js"
    path.write_text("\n;\n".join(scripts), encoding="utf-8")
    checked = subprocess.run([node, "--check", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
