"""Text that tries to be HTML, Markdown, maths or a link shows as the words typed, everywhere.

A facilitator gives the workshop a hostile title and support text; three participants send
reflections that would run script, load an image from another host, or turn into bold,
maths, colour or a link if anything rendered them. After the reveal the console, the
projector and the phone show every one of them literally, no dialog opens, and the browsers
ask nothing of any host but the app's own.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import BrowserContext, Dialog, Page, Request, Response, expect

from tests.e2e.buttons import button
from workshop.engine.privacy import clean_text
from workshop.engine.store import Store

PASSCODE = "a quiet room"
LAPTOP = {"viewport": {"width": 1440, "height": 900}}
PROMPT = "A time I felt understood"
PROMPT_ID = "felt-understood"
LIVE_MS = 15_000
ELSEWHERE = "127.0.0.1:9"
HOSTILE = [
    "<img src=x onerror=alert(1)>",
    f"![t](http://{ELSEWHERE}/t.png)",
    "**bold**",
    "$$x^2$$",
    ":red[red]",
    "<script>alert(2)</script>",
    "[tap here](javascript:alert(3))",
    '# Big\n<a href="javascript:alert(4)">a link</a> <b>and bold</b>',
    f'<iframe src="http://{ELSEWHERE}/frame"></iframe>',
    "<svg onload=alert(5)><circle r=9 /></svg>",
    "<style>body{display:none}</style>hidden page?",
    "javascript:alert(6)",
    f"[a plain link](http://{ELSEWHERE}/link)",
    f"<http://{ELSEWHERE}/autolink>",
    ":material/warning: :red-background[alarm] :rainbow[colours]",
    "$\\sqrt{2}$ and \\(x\\)",
    "> quoted\n> text",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "```python\nprint('x')\n```",
    "---\n***\n___",
    "<!-- a comment -->visible",
    "&lt;escaped&gt; &amp; &#x3C;",
    "emoji 👩\u200d❤\ufe0f\u200d👨 🏳\ufe0f\u200d🌈",
    "שלום — مرحبا — right to left",
    "abc\u202edcba\u202c reversed?",
    "zero\u200bwidth\u200djoin",
    "%0d%0aSet-Cookie: x=1",
    "'; DROP TABLE reflections; --",
    "{{7*7}} ${7*7} <%= 7*7 %>",
    f'<img src="http://{ELSEWHERE}/track.gif">',
    "![alt](data:image/png;base64,iVBORw0KGgo=)",
    f"@import url(http://{ELSEWHERE}/x.css);",
    "w" + "o" * 598 + "w",
]
"""Thirty-odd payloads; the last is one word as long as the prompt allows (600 characters)."""
SHOWN = [clean_text(text, max_chars=600) for text in HOSTILE]
"""What the room sees: the same text after the store's cleaning (bidi overrides and
zero-width characters removed), never anything rendered from it."""
PROBE = re.compile(r"^[^?]+/(facilitate|screen)/_stcore/(health|host-config)$")
NOT_FOUND = "Failed to load resource: the server responded with a status of 404"
TITLE = f"<b>Our</b> evening ![logo](http://{ELSEWHERE}/logo.png)"
SUPPORT = f"Call <i>us</i> on **0123** ![s](http://{ELSEWHERE}/s.png)"


@pytest.fixture(scope="module")
def app(run_app):
    return run_app("server.py")


class Watch:
    """Every request, failed response and dialog of the contexts it watches."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.failed: list[str] = []

    def context(self, context: BrowserContext) -> BrowserContext:
        context.on("request", self._request)
        context.on("response", self._response)
        context.on("dialog", self._dialog)
        return context

    def _request(self, request: Request) -> None:
        self.requests.append(request.url)

    def _response(self, response: Response) -> None:
        if response.status >= 400:
            self.failed.append(response.url)

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


def origin(url: str) -> str:
    # A blob: URL is made in the page (the app's own component code) and names its origin.
    parts = urlsplit(url.removeprefix("blob:"))
    scheme = {"ws": "http", "wss": "https"}.get(parts.scheme, parts.scheme)
    return f"{scheme}://{parts.netloc}"


def click(page: Page, name: str) -> None:
    button(page, name).click()


def wall(page: Page, count: int = len(HOSTILE)) -> list[str]:
    """The texts on the page's wall of reflections, sorted (the wall shuffles them)."""
    cards = page.locator(".bedrock-card")
    expect(cards).to_have_count(count, timeout=LIVE_MS)
    expect(cards.first).to_be_visible()
    return sorted(cards.all_inner_texts())


def projector_page(screen: Page, total: int) -> list[str]:
    """The texts on the projector's current page of the wall (a long wall turns its pages),
    once the page line says the wall holds ``total`` cards."""
    expect(screen.locator(".bedrock-wall-page")).to_contain_text(f"of {total} ·", timeout=LIVE_MS)
    label, texts = screen.evaluate(
        """() => [document.querySelector('.bedrock-wall-page').innerText,
                  [...document.querySelectorAll('.bedrock-card')].map(e => e.innerText)]"""
    )
    assert texts, label
    return texts


def nothing_rendered(page: Page) -> None:
    """No element that any of the texts would have become if rendered as HTML or Markdown."""
    main = page.get_by_test_id("stMain")
    expect(main.locator(".bedrock-card *")).to_have_count(0)
    for selector in ("img[src='x']", "a[href^='javascript']", "script:not([src])", "b", "i"):
        expect(main.locator(f".bedrock-card {selector}")).to_have_count(0)
    expect(main.locator(".katex")).to_have_count(0)
    expect(main.locator("img[src*='127.0.0.1:9']")).to_have_count(0)


def test_hostile_text_shows_literally_and_nothing_leaves_the_app(
    app, desktop, phone, projector, wait_ready, shot, page_errors
) -> None:
    watch = Watch()
    console = watch.context(desktop(**LAPTOP)).new_page()
    errors = page_errors(console)
    console.goto(f"{app.url}/facilitate")
    wait_ready(console)
    console.get_by_label("Title participants see").fill(TITLE)
    console.get_by_label("Support text on every participant screen (your own resources)").fill(
        SUPPORT
    )
    console.get_by_label("Workshop passcode (to reopen this console)").fill(PASSCODE)
    console.get_by_label("Passcode again").fill(PASSCODE)
    click(console, "Create workshop")
    heading = console.get_by_text(re.compile(r"· code [A-Z0-9]{6}$"))
    expect(heading).to_have_text(re.compile(re.escape(TITLE) + r" · code [A-Z0-9]{6}$"))
    code = heading.inner_text()[-6:]

    click(console, "Stage ▶")
    expect(console.get_by_text("Stage 2 of 8", exact=True)).to_be_visible()
    console.get_by_text(PROMPT, exact=True).click()
    expect(console.get_by_role("radio", name=PROMPT)).to_be_checked()

    screen = watch.context(projector()).new_page()
    errors += page_errors(screen)
    href = console.get_by_role("link", name="Open projector screen").get_attribute("href")
    screen.goto(urljoin(console.url, href or ""))
    wait_ready(screen)
    expect(screen.get_by_text(f"On your phone: {PROMPT}")).to_be_visible(timeout=LIVE_MS)

    # A phone may send two texts back to back (then one every few seconds, five at most), so
    # the payloads come from as many participants as it takes to send them two at a time.
    # Two phones type theirs; the others' reach the same database through the store, as
    # their phones' would (a page load per person costs this test more than it tells).
    people = -(-len(HOSTILE) // 2)
    participant = None
    for person in range(2):
        page = watch.context(phone()).new_page()
        errors += page_errors(page)
        page.goto(app.at(f"code={code}"))
        wait_ready(page)
        expect(page.get_by_text(TITLE, exact=True)).to_be_visible()
        for number, text in enumerate(HOSTILE[2 * person : 2 * person + 2]):
            if number:
                click(page, "Send another")
            page.get_by_label("Your answer (anonymous)").fill(text)
            click(page, "Send")
            expect(page.get_by_text("Sent, anonymously. Thank you.")).to_be_visible()
        if participant is None:
            participant = page
        else:
            page.close()
    store = Store(app.database_url)
    try:
        for person in range(2, people):
            token = store.join(code=code)
            for text in HOSTILE[2 * person : 2 * person + 2]:
                store.submit_reflection(code=code, prompt_id=PROMPT_ID, token=token, text=text)
    finally:
        store.close()

    # Thirty-three texts from seventeen people: the count is of people.
    expect(console.get_by_test_id("stMetricValue")).to_have_text(
        f"{people} answers", timeout=LIVE_MS
    )
    click(console, "Reveal to the room")
    expect(console.get_by_role("button", name="Hide results from the room")).to_be_visible()

    # The phone shows the whole wall; the projector a page of it at a time; the console
    # lists each text once, in its moderation list (below), not again as cards.
    assert wall(participant) == sorted(SHOWN)
    assert set(projector_page(screen, len(SHOWN))) <= set(SHOWN)
    expect(console.locator(".bedrock-card")).to_have_count(0)
    for page in (console, screen, participant):
        nothing_rendered(page)

    # The moderation list shows the same texts, as text, twenty to a page.
    console.get_by_text(f"Moderate ({len(HOSTILE)})").click()
    moderated = console.get_by_test_id("stExpanderDetails").get_by_test_id("stText")
    expect(moderated).to_have_count(20)
    listed = moderated.all_inner_texts()
    click(console, "Later ▶")
    expect(console.get_by_text(f"21–{len(HOSTILE)} of {len(HOSTILE)}")).to_be_visible()
    expect(moderated).to_have_count(len(HOSTILE) - 20)
    listed += moderated.all_inner_texts()
    assert sorted(listed) == sorted(SHOWN)

    # The support text, one tap away on the phone, is shown as typed too.
    participant.get_by_role("button", name="Support").click()
    expect(participant.get_by_text(SUPPORT, exact=True)).to_be_visible()

    width = participant.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 390, f"the phone scrolls sideways ({width} px)"
    shot(console, "hostile-console")
    shot(screen, "hostile-screen")
    shot(participant, "hostile-phone")

    # Hiding one after the reveal takes it off the projector and off the phone too. Texts
    # are listed in no telling order, so it is on either page of the list.
    hidden = "<script>alert(2)</script>"
    if hidden not in moderated.all_inner_texts():
        click(console, "◀ Earlier")
        expect(console.get_by_text(f"1–20 of {len(HOSTILE)}")).to_be_visible()
    # The innermost row holding that text is its own line in the moderation list.
    row = (
        console.get_by_test_id("stHorizontalBlock")
        .filter(has=console.get_by_text(hidden, exact=True))
        .last
    )
    row.get_by_role("button", name="Hide").click()
    remaining = sorted(t for t in SHOWN if t != hidden)
    assert wall(participant, len(remaining)) == remaining
    assert hidden not in projector_page(screen, len(remaining))

    assert watch.dialogs == []
    assert watch.requests, "no requests were recorded"
    elsewhere = sorted({url for url in watch.requests if origin(url) != app.url})
    assert elsewhere == []
    assert not [url for url in watch.requests if urlsplit(url).path.endswith("/x")]
    # Streamlit looks for its server under a page's own path first (``/screen/_stcore/…``)
    # and the browser logs that 404; anything else that failed is a real error.
    assert all(PROBE.search(url) for url in watch.failed), watch.failed
    assert [e for e in errors if not e.startswith(f"console: {NOT_FOUND}")] == []
