"""axe-core in a Playwright page: the WCAG 2.2 AA rules run against what the page shows now.

axe-core comes from the npm registry through ``tests/e2e/axe/package.json`` (``.ci/run``
installs it, and the first audit does where it is missing); :func:`audit` injects its ``axe.min.js`` into the page once and runs it over the
whole document. :class:`Audit` collects what each screen of a flow broke, so one browser flow
checks many states and the test fails once, at the end, listing every serious or critical
violation by screen, rule and element.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

    from playwright.sync_api import Page

from tests.e2e.buttons import settled

AXE_JS = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
"""The rule sets of WCAG 2.0, 2.1 and 2.2 at levels A and AA."""
BLOCKING = {"serious", "critical"}

RUN = """
async ([tags, disabled]) => {
  const rules = Object.fromEntries(disabled.map((id) => [id, { enabled: false }]));
  const found = await window.axe.run(document, {
    runOnly: { type: "tag", values: tags },
    rules,
    resultTypes: ["violations"],
  });
  return found.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({
      // The element itself, not the chain of Streamlit's generated classes above it.
      target: n.target.join(" ").split(" > ").pop(),
      summary: (n.failureSummary || "").split("\\n").slice(1).join(" ").trim(),
      html: n.html.slice(0, 160),
    })),
  }));
}
"""


def axe_source() -> str:
    """axe-core's script; installed from the lock file on first use where npm is at hand, so
    the README's test command needs no step of its own."""
    if not AXE_JS.exists() and shutil.which("npm"):
        folder = AXE_JS.parents[2]
        subprocess.run(
            ["npm", "ci", "--prefix", str(folder), "--no-audit", "--no-fund"],
            check=True,
            capture_output=True,
            timeout=300,
        )
    if not AXE_JS.exists():
        raise FileNotFoundError(
            f"{AXE_JS} is missing: install Node's npm, or run `npm ci --prefix tests/e2e/axe`."
        )
    return AXE_JS.read_text(encoding="utf-8")


def audit(page: Page, *, skip: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """Run axe-core's WCAG 2.2 A/AA rules on ``page`` as it is now; returns every violation
    (any impact). ``skip`` maps rule ids to the reason each is not checked."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(content=axe_source())
    return page.evaluate(RUN, [WCAG_TAGS, sorted(skip or {})])


@dataclass
class Audit:
    """What the screens of one flow broke, collected as the flow goes."""

    skip: Mapping[str, str] = field(default_factory=dict)
    """Rule id → why it is not checked (each needs a reason)."""
    screens: list[str] = field(default_factory=list)
    found: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def check(self, page: Page, screen: str) -> list[dict[str, Any]]:
        """Audit ``page`` once its script run is over and nothing on it is drawn faded as
        out of date (Streamlit fades stale elements while a run is under way, which would
        be measured as low contrast), and remember what it broke under the name ``screen``."""
        settled(page)
        violations = audit(page, skip=self.skip)
        self.screens.append(screen)
        self.found.extend((screen, v) for v in violations)
        return violations

    def blocking(self) -> list[tuple[str, dict[str, Any]]]:
        return [(screen, v) for screen, v in self.found if v["impact"] in BLOCKING]

    def report(self) -> str:
        """The serious and critical violations, readably: screen, rule, impact, elements."""
        blocking = self.blocking()
        elements = sum(len(v["nodes"]) for _screen, v in blocking)
        lines = [
            f"{len(blocking)} serious or critical violations on "
            f"{len({s for s, _v in blocking})} of {len(self.screens)} screens, "
            f"{elements} elements:"
        ]
        for screen, v in blocking:
            lines.append(f"{screen}: {v['id']} ({v['impact']}): {v['help']}")
            for node in v["nodes"][:5]:
                lines.append(f"    {node['target']}  {node['summary']}")
            if len(v["nodes"]) > 5:
                lines.append(f"    … and {len(v['nodes']) - 5} more")
        return "\n".join(lines)
