"""Privacy and secrecy rules that need no database: text cleaning, labels, thresholds,
shuffling, voter and writer ids, keys and passcode hashes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import string
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workshop.engine import privacy
from workshop.engine.errors import InvalidInput
from workshop.engine.privacy import (
    CODE_ALPHABET,
    clean_text,
    count_label,
    derive_key,
    hash_passcode,
    key_matches,
    new_code,
    new_token,
    respondent_id,
    reveal_threshold,
    shuffled,
    verify_passcode,
    word_counts,
)

DISGUISES = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u200e\u200f\u2060\ufeff"


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("  feeling heard  \n", "feeling heard"),
        ("cafe\u0301", "caf\u00e9"),  # NFC: e + combining accent becomes one character
        ("tab\tinside", "tab inside"),
        ("one\r\ntwo\rthree", "one\ntwo\nthree"),
        ("first\n\n\n\n\nsecond", "first\n\nsecond"),
        ("trailing   \nspaces", "trailing\nspaces"),
        ("bell\x07 and\x00 nul\x1b[31m", "bell and nul[31m"),
        ("invoice\u202egnp.exe", "invoicegnp.exe"),
        ("\u2066isolated\u2069 text", "isolated text"),
        ("zero\u200bwidth", "zerowidth"),
        (
            "family \U0001f468\u200d\U0001f469\u200d\U0001f467",
            "family \U0001f468\u200d\U0001f469\u200d\U0001f467",
        ),
        ("line\u2028separator", "line\nseparator"),
        ("lone\ud800surrogate", "lonesurrogate"),
    ],
)
def test_clean_text_keeps_the_words_and_drops_what_could_disguise_them(raw, cleaned):
    assert clean_text(raw) == cleaned


@pytest.mark.parametrize("raw", ["", "   ", "\n\t\n", "\u202e\u200b", "\x00\x01"])
def test_nothing_to_send_asks_for_something(raw):
    with pytest.raises(InvalidInput) as caught:
        clean_text(raw)
    assert str(caught.value) == "Please write something before sending."


def test_too_long_text_is_refused_with_the_limit_in_the_message():
    assert clean_text("x" * 40, max_chars=40) == "x" * 40
    with pytest.raises(InvalidInput) as caught:
        clean_text("x" * 41, max_chars=40)
    assert str(caught.value) == "Please keep it to 40 characters or fewer (this has 41)."


def test_text_that_is_not_a_string_is_refused():
    with pytest.raises(InvalidInput):
        clean_text(None)  # type: ignore[arg-type]


@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(DISGUISES)))
def test_cleaned_text_never_holds_controls_or_disguises_and_cleaning_twice_changes_nothing(raw):
    try:
        cleaned = clean_text(raw, max_chars=10_000)
    except InvalidInput:
        return
    assert cleaned == cleaned.strip()
    assert not set(cleaned) & set(DISGUISES)
    assert all(ch == "\n" or unicodedata.category(ch) != "Cc" for ch in cleaned)
    assert unicodedata.is_normalized("NFC", cleaned)
    assert clean_text(cleaned, max_chars=10_000) == cleaned


def test_words_are_counted_lower_cased_and_trimmed():
    answers = [" Calm", "calm!", "CALM", "Tired", "  tired ", "hopeful", "a  bit   tired"]
    assert word_counts(answers) == [("calm", 3), ("tired", 2), ("a bit tired", 1), ("hopeful", 1)]


def test_words_come_back_as_typed_not_clipped_at_their_edges():
    answers = ["<b>tired</b>", "<b>tired</b>", ":red[calm]", "$x$", "Hopeful!", "hopeful!"]
    assert word_counts(answers) == [
        ("<b>tired</b>", 2),
        ("hopeful!", 2),
        ("$x$", 1),
        (":red[calm]", 1),
    ]


@pytest.mark.parametrize(
    ("count", "needed", "label"),
    [
        (0, 3, "fewer than 3"),
        (2, 3, "fewer than 3"),
        (3, 3, "3 answers"),
        (4, 5, "fewer than 5"),
        (1, 1, "1 answer"),
        (0, 1, "no answers yet"),
        (12, 3, "12 answers"),
    ],
)
def test_count_label_hides_small_numbers(count, needed, label):
    assert count_label(count, needed) == label


@pytest.mark.parametrize(
    ("min_reveal", "sensitive", "default", "needed"),
    [(None, False, 3, 3), (4, False, 3, 4), (None, True, 3, 5), (2, True, 3, 5), (8, True, 3, 8)],
)
def test_sensitive_prompts_need_at_least_five_responses(min_reveal, sensitive, default, needed):
    assert reveal_threshold(min_reveal=min_reveal, sensitive=sensitive, default=default) == needed


def test_shuffled_keeps_every_item_and_a_seed_repeats_the_order():
    items = list(range(40))
    assert sorted(shuffled(items)) == items
    assert shuffled(items, seed="wall") == shuffled(items, seed="wall")
    assert shuffled(items, seed="wall") != items
    assert items == list(range(40))  # the input is left alone


def test_shuffled_without_a_seed_changes_the_order():
    items = list(range(40))
    orders = {tuple(shuffled(items)) for _ in range(5)}
    assert tuple(items) not in orders
    assert len(orders) == 5


def test_respondent_id_is_an_hmac_of_the_prompt_and_token_under_the_workshop_secret():
    token = new_token()
    one = respondent_id("secret-one", prompt_id="pick", token=token)
    assert one == respondent_id("secret-one", prompt_id="pick", token=token)
    assert one == hmac.new(b"secret-one", f"pick:{token}".encode(), hashlib.sha256).hexdigest()
    assert one != respondent_id("secret-two", prompt_id="pick", token=token)
    assert one != respondent_id("secret-one", prompt_id="pick", token=new_token())
    # The same browser on another prompt: an id with nothing in common.
    assert one != respondent_id("secret-one", prompt_id="closeness", token=token)
    assert len(one) == 64 and set(one) <= set(string.hexdigits.lower())
    assert token not in one


def test_tokens_and_secrets_carry_at_least_128_random_bits():
    for make in (new_token, privacy.new_secret, privacy.new_reflection_id):
        values = {make() for _ in range(50)}
        assert len(values) == 50
        for value in values:
            assert len(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))) >= 16


def test_join_codes_use_six_characters_without_look_alikes():
    codes = {new_code() for _ in range(300)}
    assert len(codes) > 295
    assert all(len(code) == 6 and set(code) <= set(CODE_ALPHABET) for code in codes)
    assert not set(CODE_ALPHABET) & set("0O1IL2Z5S8B")


def test_role_keys_are_256_bit_hmacs_that_differ_by_role_workshop_and_server():
    k1, k2 = b"server one " * 4, b"server two " * 4

    def key(secret, label, server=k1):
        return derive_key(secret, label, server_key=server)

    facilitator, screen = key("s1", "facilitator"), key("s1", "screen")
    assert len({facilitator, screen, key("s2", "screen"), key("s1", "facilitator", k2)}) == 4
    assert len(base64.urlsafe_b64decode(facilitator + "=")) == 32
    assert key_matches(secret="s1", label="facilitator", key=facilitator, server_key=k1)
    assert not key_matches(secret="s1", label="facilitator", key=facilitator, server_key=k2)
    assert not key_matches(secret="s1", label="facilitator", key=screen, server_key=k1)
    assert not key_matches(secret="s1", label="facilitator", key=None, server_key=k1)
    assert not key_matches(
        secret="", label="facilitator", key=key("", "facilitator"), server_key=k1
    )


def test_passcodes_are_stored_as_salted_scrypt_hashes():
    first, second = hash_passcode("open sesame"), hash_passcode("open sesame")
    assert first != second  # a fresh salt each time
    scheme, log2_n, r, p, salt, digest = first.split("$")
    assert (scheme, log2_n, r, p) == ("scrypt", "14", "8", "1")
    raw_salt = base64.urlsafe_b64decode(salt + "==")
    expected = hashlib.scrypt(
        b"open sesame", salt=raw_salt, n=2**14, r=8, p=1, maxmem=64 * 2**20, dklen=32
    )
    assert base64.urlsafe_b64decode(digest + "=") == expected
    assert "open sesame" not in first
    assert verify_passcode("open sesame", first)
    assert not verify_passcode("open sesame ", first)
    assert not verify_passcode(None, first)
    assert not verify_passcode("open sesame", "not-a-hash")


def test_a_tally_waits_after_its_free_failures_doubling_up_to_the_longest():
    from workshop.engine.access import LOOKUP, Tally

    tally = Tally()
    for second in range(19):
        tally = tally.failed(LOOKUP, 100.0 + second)
        assert tally.wait(100.0 + second) == 0
    tally = tally.failed(LOOKUP, 119.0)
    assert tally.wait(119.0) == 30.0
    waits = []
    now = 149.0
    for _ in range(7):
        tally = tally.failed(LOOKUP, now)
        waits.append(tally.wait(now))
        now += tally.wait(now)
    assert waits == [60.0, 120.0, 240.0, 480.0, 900.0, 900.0, 900.0]


def test_a_tally_is_forgotten_after_ten_quiet_minutes_from_its_last_wait():
    from workshop.engine.access import PASSCODE, Tally

    tally = Tally()
    for second in range(5):
        tally = tally.failed(PASSCODE, float(second))
    assert tally.wait(4.0) == 30.0
    assert tally.current(PASSCODE, 4.0 + 30 + 599) == tally
    assert tally.current(PASSCODE, 4.0 + 30 + 600) == Tally()
    # Failures spread out more than ten minutes apart never make anyone wait.
    spread = Tally()
    for minute in range(20):
        spread = spread.failed(PASSCODE, minute * 601.0)
        assert spread.wait(minute * 601.0) == 0


def test_same_secret_accepts_only_the_exact_text():
    from workshop.engine.privacy import same_secret

    assert same_secret("open sesame", "open sesame")
    for typed in ("open sesam", "open sesame ", "OPEN SESAME", "", None, 42, b"open sesame"):
        assert not same_secret(typed, "open sesame")
    assert not same_secret("", "")  # no passcode set lets nobody in by this route
