"""Privacy and secrecy rules: cleaning what people write, reveal thresholds, shuffling, and
the secrets behind passcodes, keys and one-answer-per-person questions.

Everything here is pure except for the randomness drawn from :mod:`secrets`.
"""

from __future__ import annotations

import base64
import gettext
import hashlib
import hmac
import random
import re
import secrets
import unicodedata
from collections import Counter
from collections.abc import Iterable
from typing import TypeVar

from workshop.engine.errors import InvalidInput
from workshop.i18n import N_

T = TypeVar("T")

CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
"""Join-code letters and digits, leaving out look-alikes (0/O, 1/I/L, 2/Z, 5/S, 8/B)."""
CODE_LENGTH = 6

SENSITIVE_MIN_REVEAL = 5
"""The least number of responses a sensitive prompt needs before it can be revealed."""

# Passcodes are hashed with scrypt: N = 2**14, r = 8, p = 1 (RFC 7914's interactive-login
# setting), a 16-byte random salt and a 32-byte result. One hash needs 16 MiB and about 30 ms
# on a small server, which is what makes guessing from a stolen database file slow; online
# guessing is throttled by the store. The parameters are kept in each stored hash, so they can
# be raised later without breaking existing workshops.
SCRYPT_LOG2_N = 14
SCRYPT_R = 8
SCRYPT_P = 1
_SCRYPT_MAXMEM = 64 * 1024 * 1024

# Characters that can make text display differently from what it says (bidirectional
# overrides and isolates, direction marks) or hide inside words (zero-width space, word
# joiner, byte-order mark). Zero-width joiner and non-joiner stay: emoji sequences and
# several scripts need them.
_INVISIBLE = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\u200e", "\u200f", "\u061c", "\u200b", "\u2060", "\ufeff"]
)
_LINE_BREAKS = str.maketrans({"\r": "\n", "\u2028": "\n", "\u2029": "\n", "\t": " "})
_WORD_EDGES = " .,;:!?\"'()[]{}<>*_~`-–—…“”‘’«»¡¿"


def clean_text(text: str, *, max_chars: int = 1000) -> str:
    """Text as it will be stored and shown: trimmed, NFC-normalised, without control
    characters (tabs become spaces; newlines stay, at most one blank line in a row), without
    bidirectional overrides or zero-width characters that could disguise it.

    Raises InvalidInput when nothing is left, or when the cleaned text is longer than
    ``max_chars`` characters (the message names the limit).
    """
    if not isinstance(text, str):
        raise InvalidInput(N_("Please send text."))
    text = text.replace("\r\n", "\n").translate(_LINE_BREAKS)
    kept = [
        ch
        for ch in text
        if ch == "\n" or (ch not in _INVISIBLE and unicodedata.category(ch) not in ("Cc", "Cs"))
    ]
    lines = (line.rstrip() for line in "".join(kept).split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    text = unicodedata.normalize("NFC", text)
    if not text:
        raise InvalidInput(N_("Please write something before sending."))
    if len(text) > max_chars:
        raise InvalidInput(
            N_("Please keep it to {most} characters or fewer (this has {length})."),
            most=max_chars,
            length=len(text),
        )
    return text


def word_key(text: str) -> str:
    """How a one-word answer is counted: lower-case, inner spaces collapsed, punctuation at
    the edges dropped ("Calm!" and " calm" count as the same word)."""
    lowered = " ".join(text.lower().split())
    return lowered.strip(_WORD_EDGES) or lowered


def word_counts(texts: Iterable[str]) -> list[tuple[str, int]]:
    """Frequencies of one-word answers, most frequent first, ties in alphabetical order.

    Answers that share a :func:`word_key` count together, and are shown as people typed
    them (lower-cased, spaces collapsed): the most frequent spelling, the bare word when it
    is among the most frequent. The key only groups; it is never shown, so ``<b>tired</b>``
    or ``:red[calm]`` come back whole rather than clipped at their edges.
    """
    spellings: dict[str, Counter[str]] = {}
    for text in texts:
        typed = " ".join(text.lower().split())
        spellings.setdefault(word_key(text), Counter())[typed] += 1
    shown = []
    for key, typed in spellings.items():
        best = min(typed.items(), key=lambda item: (-item[1], item[0] != key, item[0]))[0]
        shown.append((best, typed.total()))
    return sorted(shown, key=lambda item: (-item[1], item[0]))


def reveal_threshold(*, min_reveal: int | None, sensitive: bool, default: int) -> int:
    """Responses needed before a prompt can be revealed: the prompt's own ``min_reveal``, else
    the workshop ``default``, raised to at least 5 for sensitive prompts."""
    needed = default if min_reveal is None else min_reveal
    if sensitive:
        needed = max(needed, SENSITIVE_MIN_REVEAL)
    return max(1, needed)


def count_label(count: int, needed: int, translator: gettext.NullTranslations | None = None) -> str:
    """How a response count is shown: "fewer than N" below the threshold, else "7 answers";
    through ``translator`` (a language's catalogue) when given."""
    said = translator or gettext.NullTranslations()
    if count < needed:
        if needed <= 1:
            return said.gettext("no answers yet")
        return said.gettext("fewer than {needed}").format(needed=needed)
    return said.ngettext("{count} answer", "{count} answers", count).format(count=count)


def shuffled(items: Iterable[T], seed: int | str | None = None) -> list[T]:
    """A new list in random order; the same ``seed`` gives the same order, no seed gives an
    unpredictable one."""
    out = list(items)
    rng = secrets.SystemRandom() if seed is None else random.Random(seed)
    rng.shuffle(out)
    return out


def new_token() -> str:
    """A random per-browser token (256 bits): one answer, and one writer, per person."""
    return secrets.token_urlsafe(32)


def new_secret() -> str:
    """A random per-workshop secret (256 bits)."""
    return secrets.token_urlsafe(32)


def new_reflection_id() -> str:
    """A random reflection id (128 bits): ids say nothing about order or time."""
    return secrets.token_urlsafe(16)


def new_code() -> str:
    """A random join code of six easily read characters."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: object) -> str:
    """A join code as typed, made comparable: upper case, spaces and dashes removed."""
    if not isinstance(code, str):
        return ""
    return re.sub(r"[\s-]", "", code[:100]).upper()


def is_code(code: object) -> bool:
    """Whether ``code`` (as typed) can be a join code at all: six letters and digits of
    :data:`CODE_ALPHABET`. Anything else is refused before it is looked up."""
    normal = normalise_code(code)
    return len(normal) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in normal)


def respondent_id(secret: str, *, prompt_id: str, token: str) -> str:
    """HMAC-SHA256 of ``prompt_id:token`` under the workshop secret: an answer's voter id and
    a reflection's writer marker. The same browser gets the same id on one prompt (so a
    changed answer replaces the old one, and several texts count as one person) and an
    unrelated id on every other prompt, so ids cannot be matched across prompts; the token
    itself is never stored."""
    message = f"{prompt_id}:{token}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def derive_key(secret: str, label: str, *, server_key: bytes) -> str:
    """A key for one role (``facilitator`` or ``screen``) of one workshop: 256 bits of
    HMAC-SHA256 under :func:`workshop_key`, from the workshop secret (in the database) and the
    server key (outside it), as URL-safe text. Neither alone gives it."""
    material = workshop_key(secret, server_key=server_key)
    digest = hmac.new(material, f"bedrock:{label}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def key_matches(*, secret: str, label: str, key: object, server_key: bytes) -> bool:
    """Whether ``key`` is the key for ``label``, compared in constant time."""
    if not secret or not isinstance(key, str):
        return False
    expected = derive_key(secret, label, server_key=server_key)
    return hmac.compare_digest(expected.encode(), key.encode())


RECOVERY_GROUPS = 4
_RECOVERY_BYTES = 15  # 120 bits, 24 base32 letters and digits


def recovery_key(secret: str, *, code: str, server_key: bytes) -> str:
    """The workshop's recovery key: its join code and 120 bits of HMAC under the workshop
    secret and the server key, as ``ABC123-XXXXXX-XXXXXX-XXXXXX-XXXXXX`` (easy to print or
    read out). It opens the console without the passcode."""
    material = workshop_key(secret, server_key=server_key)
    digest = hmac.new(material, f"bedrock:recovery:{code}".encode(), hashlib.sha256).digest()
    tag = base64.b32encode(digest[:_RECOVERY_BYTES]).decode()
    size = len(tag) // RECOVERY_GROUPS
    return "-".join([code, *(tag[i : i + size] for i in range(0, len(tag), size))])


def split_recovery_key(typed: object) -> tuple[str, str] | None:
    """The join code and the rest of a recovery key as typed (any case, spaces or dashes),
    or None when it cannot be one."""
    if not isinstance(typed, str):
        return None
    normal = re.sub(r"[\s-]", "", typed[:200]).upper()
    code, tag = normal[:CODE_LENGTH], normal[CODE_LENGTH:]
    if not is_code(code) or len(tag) != _RECOVERY_BYTES * 8 // 5:
        return None
    return code, tag


def recovery_matches(secret: str, *, typed: object, server_key: bytes) -> bool:
    """Whether ``typed`` is this workshop's recovery key (constant-time)."""
    parts = split_recovery_key(typed)
    if parts is None or not secret:
        return False
    expected = recovery_key(secret, code=parts[0], server_key=server_key).replace("-", "")
    return hmac.compare_digest(expected.encode(), "".join(parts).encode())


def same_secret(typed: object, expected: str) -> bool:
    """Whether ``typed`` is ``expected`` (the organiser passcode, say), compared in constant
    time: the time taken tells nothing of how much of it was right, nor of its length."""
    if not isinstance(typed, str) or not expected:
        return False
    digest = hashlib.sha256
    return hmac.compare_digest(digest(typed.encode()).digest(), digest(expected.encode()).digest())


def workshop_key(secret: str, *, server_key: bytes) -> bytes:
    """The key material of one workshop: an HMAC of its secret (in the database) under the
    server key (outside it), so neither alone gives any key."""
    return hmac.new(server_key, f"bedrock:workshop:{secret}".encode(), hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_passcode(passcode: str) -> str:
    """``scrypt$log2N$r$p$salt$hash`` for a passcode, with a fresh random salt. Takes ~30 ms."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(
        passcode.encode(),
        salt=salt,
        n=2**SCRYPT_LOG2_N,
        r=SCRYPT_R,
        p=SCRYPT_P,
        maxmem=_SCRYPT_MAXMEM,
        dklen=32,
    )
    return f"scrypt${SCRYPT_LOG2_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_passcode(passcode: object, stored: str) -> bool:
    """Whether ``passcode`` matches a hash made by :func:`hash_passcode` (constant-time)."""
    if not isinstance(passcode, str):
        return False
    try:
        scheme, log2_n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = _unb64(digest)
        actual = hashlib.scrypt(
            passcode.encode(),
            salt=_unb64(salt),
            n=2 ** int(log2_n),
            r=int(r),
            p=int(p),
            maxmem=_SCRYPT_MAXMEM,
            dklen=len(expected),
        )
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)
