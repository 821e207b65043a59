"""Reduced motion in Chromium: for someone whose system asks for it, nothing on a phone or a
couple's screen animates or fades, the countdown's last-minute pulse included (WCAG 2.2
2.3.3, Animation from Interactions)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.buttons import button
from tests.e2e.conftest import open_at

LIVE_MS = 15_000

MOVING = """
() => {
  // Every element, inside components' shadow roots too, with its ::before and ::after.
  const all = [];
  const walk = (root) => {
    for (const el of root.querySelectorAll("*")) {
      all.push(el);
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(document);
  const lasts = (list) => list.split(",").some((d) => parseFloat(d) > 0);
  const found = [];
  for (const el of all) {
    for (const pseudo of [null, "::before", "::after"]) {
      const s = getComputedStyle(el, pseudo);
      const animated = s.animationName !== "none" && lasts(s.animationDuration);
      const faded = s.transitionProperty !== "none" && lasts(s.transitionDuration);
      if (animated || faded) {
        const name = el.getAttribute("data-testid") || el.className.toString().slice(0, 40);
        found.push(`${el.tagName.toLowerCase()}${pseudo || ""} ${name}: ` +
          (animated ? `animation ${s.animationName} ${s.animationDuration}` :
           `transition ${s.transitionProperty} ${s.transitionDuration}`));
      }
    }
  }
  return [...new Set(found)];
}
"""


def moving(page: Page) -> list[str]:
    """Everything on ``page`` that animates or transitions over any time at all."""
    return page.evaluate(MOVING)


@pytest.fixture(scope="module")
def app(run_app):
    return run_app("app.py")


def reflection_with_a_timer(app, desktop, group, minutes: str):
    """A console whose phones show a reflection prompt with a timer of ``minutes``
    running; returns (console, code)."""
    console, code = group.create(desktop(), app)
    group.stage(console, 2)
    group.ask(console, "A time I felt understood")
    box = console.get_by_label("Minutes")
    box.fill(minutes)
    box.press("Tab")
    expect(box).to_have_value(f"{float(minutes):.2f}", timeout=LIVE_MS)
    button(console, "Start").click()
    expect(console.locator(".bc-face")).to_have_text(re.compile(r"\d:\d\d"), timeout=LIVE_MS)
    return console, code


def test_nothing_moves_for_someone_who_asks_their_system_for_reduced_motion(
    app, couple_at_app, desktop, phone, group
) -> None:
    _console, code = reflection_with_a_timer(app, desktop, group, "0.9")
    # Without the preference the last minute pulses: the check below would see it.
    pulsing = group.join(phone(), app, code)
    face = pulsing.locator(".bc-face")
    expect(face).to_have_text(re.compile(r"^0:\d\d$"), timeout=LIVE_MS)
    expect(face).to_have_css("animation-name", "bc-pulse")

    still = group.join(phone(reduced_motion="reduce"), app, code)
    expect(still.get_by_label("Your answer (anonymous)")).to_be_visible(timeout=LIVE_MS)
    expect(still.locator(".bc-face")).to_have_text(re.compile(r"^0:\d\d$"), timeout=LIVE_MS)
    button(still, "Support").click()
    expect(still.get_by_text("Bedrock is an education tool")).to_be_visible(timeout=LIVE_MS)
    found = {"phone: reflection, last minute, support open": moving(still)}
    # With no transition to wait for, the panel still closes.
    still.keyboard.press("Escape")
    expect(still.get_by_text("Bedrock is an education tool")).to_be_hidden(timeout=LIVE_MS)

    couple = open_at(phone(reduced_motion="reduce"), couple_at_app, "listening-turns")
    button(couple, "Start").click()
    expect(button(couple, "Pause")).to_be_visible(timeout=LIVE_MS)
    couple.get_by_text("The rules", exact=True).click()
    expect(couple.get_by_text("Keep it short, so your partner can hold on to it")).to_be_visible(
        timeout=LIVE_MS
    )
    found["couple: turn timer running, rules open"] = moving(couple)
    assert not any(found.values()), found
