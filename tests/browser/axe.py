"""Run axe-core (npm ``axe-core``, from ``node_modules``) in a Playwright page."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")


def axe_violations(page, *, exclude: tuple[str, ...] = ()) -> list[dict]:
    """WCAG 2.1 A/AA violations in the page's main document (the map iframe excluded)."""
    if not AXE_JS.exists():
        raise FileNotFoundError(f"{AXE_JS} missing: run `npm ci`")
    page.add_script_tag(path=str(AXE_JS))
    context = {"exclude": [[s] for s in ("iframe", *exclude)]}
    result = page.evaluate(
        "([ctx, tags]) => axe.run(ctx, {runOnly: {type: 'tag', values: tags}})",
        [context, WCAG_AA],
    )
    return result["violations"]


def blocking(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v.get("impact") in BLOCKING]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        # a target inside a shadow root is itself a list of selectors
        targets = [", ".join(map(str, n["target"])) if isinstance(n["target"], list)
                   else str(n["target"]) for n in v["nodes"][:4]]  # fmt: skip
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} -> {targets}")
    return "\n".join(lines)
