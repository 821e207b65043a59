"""Small screens, zoom and reduced motion in Chromium (WCAG 2.2 AA 1.4.10 Reflow, and
2.3.3 Animation from Interactions, which the app meets too).

Reflow: at 320 CSS pixels wide (a small phone, or a 1280 px screen at 400 % zoom) and at
640 (a 1280 px laptop at 200 % zoom), a phone's reflection prompt and a couple's first card
read without scrolling sideways, their buttons whole on the screen. Motion: for someone whose
system asks for reduced motion, nothing on a phone or a couple's screen animates or fades,
the countdown's last-minute pulse included.
"""

from __future__ import annotations

import re
from typing import Any

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


SMALL: dict[str, tuple[str, dict[str, Any]]] = {
    "phone-320": ("phone", {"viewport": {"width": 320, "height": 568}}),
    "laptop-200%": (
        "desktop",
        {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2},
    ),
}
"""A 320 px phone, and a 1280×800 laptop at 200 % zoom (640×400 CSS pixels)."""


def sideways(page: Page) -> dict[str, float]:
    """How wide the page is against the screen: no sideways scrolling when the first is not
    larger."""
    return page.evaluate(
        """() => { const s = document.scrollingElement;
          return { scroll: s.scrollWidth, client: s.clientWidth }; }"""
    )


def cut_off(page: Page, name: str) -> dict[str, float] | None:
    """The box of the button labelled ``name``, scrolled to, when any of it is still off the
    screen; None when all of it shows."""
    found = button(page, name)
    found.scroll_into_view_if_needed()
    box = found.bounding_box()
    screen = page.viewport_size
    assert box is not None and screen is not None, name
    across = box["x"] >= 0 and box["x"] + box["width"] <= screen["width"]
    down = box["y"] >= 0 and box["y"] + box["height"] <= screen["height"]
    return None if across and down else box


@pytest.mark.parametrize("screen", list(SMALL))
def test_a_phone_prompt_and_a_couple_s_card_reflow_on_a_small_or_zoomed_screen(
    app, desktop, phone, group, wait_ready, shot, request, screen: str
) -> None:
    kind, options = SMALL[screen]
    context = request.getfixturevalue(kind)(**options)
    _console, code = reflection_with_a_timer(app, desktop, group, "5")
    mine = group.join(context, app, code)
    expect(mine.get_by_label("Your answer (anonymous)")).to_be_visible(timeout=LIVE_MS)
    expect(mine.locator(".bc-face")).to_have_text(re.compile(r"^\d:\d\d$"), timeout=LIVE_MS)
    found = {"phone": sideways(mine)}
    shot(mine, f"reflow-{screen}-phone-reflection")
    cut = {name: cut_off(mine, name) for name in ("Send", "Pass")}

    couple = context.new_page()
    couple.goto(f"{app.url}/together")
    wait_ready(couple)
    couple.get_by_label("First partner").fill("Sam")
    couple.get_by_label("Second partner").fill("Alex")
    button(couple, "Let's begin").click()
    expect(couple.get_by_text(re.compile(r"^Stage 1 of 8"))).to_be_visible(timeout=LIVE_MS)
    found["couple's first card"] = sideways(couple)
    shot(couple, f"reflow-{screen}-couple-first-card")
    cut.update({name: cut_off(couple, name) for name in ("Back", "Next")})

    wide = {where: size for where, size in found.items() if size["scroll"] > size["client"]}
    assert not wide, wide
    assert not any(cut.values()), cut
