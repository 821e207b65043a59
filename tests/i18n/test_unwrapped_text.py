"""No sentence a person reads is left out of the catalogues on the translated pages: an AST
scan of the pages finds text written straight into a widget, a message or the page's own
markup instead of going through ``_()``."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

VIEWS = Path(__file__).resolve().parents[2] / "workshop" / "views"

#: The pages whose every sentence goes through the catalogues (the phone with its pairing
#: screens, the couple's path, the console and the projector).
TRANSLATED_PAGES = (
    "code_entry.py",
    "common.py",
    "console_export.py",
    "console_keys.py",
    "console_signin.py",
    "facilitate.py",
    "home.py",
    "join.py",
    "join_private.py",
    "language.py",
    "navigation.py",
    "preview.py",
    "results.py",
    "room_console.py",
    "room_couple.py",
    "room_link.py",
    "room_one_phone.py",
    "room_pair.py",
    "room_turns.py",
    "screen.py",
    "together.py",
    "together_answers.py",
    "together_common.py",
    "together_take_home.py",
    "together_turns.py",
)

#: Calls that show their first argument to a person.
SHOWN_FIRST = {
    "button", "caption", "checkbox", "date_input", "download_button", "error", "expander",
    "file_uploader", "form_submit_button", "header", "info", "markdown", "metric",
    "multiselect", "pills", "popover", "progress", "radio", "segmented_control", "selectbox",
    "slider", "subheader", "success", "text", "text_area", "text_input", "time_input",
    "title", "toast", "toggle", "warning", "whose_turn", "write",
}  # fmt: skip
#: Our own helpers whose second argument is shown (the first is a level, a class or a page).
SHOWN_SECOND = {"note", "styled_text", "link"}
SHOWN_KEYWORDS = {"label", "placeholder", "help", "text", "next_label", "value"}
MESSAGE_LEVELS = {"info", "success", "warning", "error"}
LETTER = re.compile(r"[^\W\d_]")
#: Words that are the same in every language: the product's name, an example join code.
SAME_EVERYWHERE = {"Bedrock", "ABC123"}


def _literal_text(node: ast.AST) -> str | None:
    """The words ``node`` writes itself (a string literal, an f-string's fixed parts)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "\0".join(
            part.value
            for part in node.values
            if isinstance(part, ast.Constant) and isinstance(part.value, str)
        )
    return None


def _reads(text: str | None) -> bool:
    return text is not None and text not in SAME_EVERYWHERE and bool(LETTER.search(text))


def _name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def unwrapped(source: str) -> list[tuple[int, str]]:
    """(line, text) of every sentence ``source`` shows without the catalogues."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = _name(node)
            shown: list[ast.AST] = []
            if name in SHOWN_FIRST and node.args:
                shown.append(node.args[0])
            if name in SHOWN_SECOND and len(node.args) > 1:
                shown.append(node.args[1])
            shown += [k.value for k in node.keywords if k.arg in SHOWN_KEYWORDS]
            if name == "html" and node.args:
                markup = _literal_text(node.args[0]) or ""
                markup = re.sub(r"<style>.*?</style>|<[^>]*>", "", markup, flags=re.S)
                if _reads(markup):
                    found.append((node.lineno, markup))
            found += [
                (node.lineno, _literal_text(arg)) for arg in shown if _reads(_literal_text(arg))
            ]
        elif isinstance(node, ast.Tuple) and len(node.elts) == 2:
            level, text = node.elts
            said = _literal_text(text)
            if (
                _literal_text(level) in MESSAGE_LEVELS
                and said not in MESSAGE_LEVELS
                and _reads(said)
            ):
                found.append((node.lineno, said))
    return found


def test_the_scan_finds_text_written_straight_into_a_page():
    source = """
st.button("Go")
st.caption(f"{count} answers")
note("info", "Saved.")
st.html(f'<div class="x">Back at {time}</div>')
state[MESSAGE] = ("success", "Wiped.")
st.text_input(_("Name"), placeholder="Your name")
st.button(_("Go"), key="go_button")
st.html(f'<div class="x">{html.escape(_("Back at {time}"))}</div>')
note("info", _("Saved."))
st.caption(f"{low} = {label}")
"""
    assert [line for line, _text in unwrapped(source)] == [2, 3, 4, 5, 6, 7]


@pytest.mark.parametrize("page", TRANSLATED_PAGES)
def test_a_translated_page_shows_no_sentence_outside_the_catalogues(page):
    found = unwrapped((VIEWS / page).read_text(encoding="utf-8"))
    assert not found, "\n".join(f"workshop/views/{page}:{line}: {text!r}" for line, text in found)
