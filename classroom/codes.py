"""Join codes and resume codes: random, easy to read aloud, no look-alikes."""

import hashlib
import secrets

# No 0/O, 1/I/L: a code read off a projector must not be misread.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 8
RESUME_CODE_LENGTH = 12


def _random(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def new_join_code() -> str:
    return _random(JOIN_CODE_LENGTH)


def new_resume_code() -> str:
    """A 12-character code shown as three groups of four: ABCD-EFGH-JKMN."""
    code = _random(RESUME_CODE_LENGTH)
    return "-".join(code[i : i + 4] for i in range(0, RESUME_CODE_LENGTH, 4))


def normalise(code: str) -> str:
    """What the student meant: case, spaces and dashes do not matter."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def hash_code(code: str) -> str:
    """Resume codes are stored hashed; 60 random bits need no slow hash."""
    return hashlib.sha256(normalise(code).encode()).hexdigest()
