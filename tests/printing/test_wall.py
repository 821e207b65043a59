"""The projector's wall in pages that fit the screen, turning at the facilitator's pace."""

from __future__ import annotations

from workshop.printing.wall import card_lines, page_at, wall_pages


def test_a_short_wall_is_one_page_and_no_wall_has_no_pages():
    assert wall_pages(["calm", "tired", "hopeful"]) == [["calm", "tired", "hopeful"]]
    assert wall_pages([]) == []


def test_forty_two_cards_are_all_on_some_page_in_order_and_each_page_fits():
    texts = [f"Reflection number {n} about feeling understood at home." for n in range(42)]
    pages = wall_pages(texts, lines_per_page=17)
    assert len(pages) > 1
    assert [t for page in pages for t in page] == texts
    for page in pages:
        rows = [page[i : i + 3] for i in range(0, len(page), 3)]
        assert sum(max(card_lines(t) for t in row) + 1 for row in rows) <= 17


def test_long_texts_make_fuller_pages_shorter():
    short = wall_pages(["ok"] * 30)
    long = wall_pages(["w" * 300] * 30)
    assert len(long) > len(short)


def test_one_row_taller_than_the_screen_still_gets_its_own_page():
    pages = wall_pages(["x" * 2000, "y"], lines_per_page=10)
    assert pages == [["x" * 2000, "y"]]


def test_line_breaks_count_as_lines():
    assert card_lines("one\ntwo\nthree") == 3
    assert card_lines("") == 1


def test_pages_turn_with_the_clock_and_come_round_again():
    seen = [page_at(3, now=1_000_000.0 + 25 * n, turn_seconds=25) for n in range(6)]
    assert sorted(set(seen)) == [0, 1, 2]
    assert seen[:3] == seen[3:]
    assert page_at(1, now=123.0, turn_seconds=25) == 0
    assert page_at(4, now=123.0, turn_seconds=0) == 0


def test_a_held_page_stays_up_whatever_the_clock_and_stays_within_the_wall():
    from workshop.printing.wall import page_on_screen

    for now in (0.0, 25.0, 50.0, 1_000_000.0):
        assert page_on_screen(4, held=2, now=now, turn_seconds=25) == 2
    # The wall shrank (texts hidden) since the page was chosen: still a page it has.
    assert page_on_screen(2, held=3, now=0.0, turn_seconds=25) == 1
    assert page_on_screen(1, held=3, now=0.0, turn_seconds=25) == 0
    # Not held: the pages turn by time.
    assert page_on_screen(4, held=None, now=50.0, turn_seconds=25) == 2
