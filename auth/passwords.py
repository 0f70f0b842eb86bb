"""Password hashing with Argon2id (the current OWASP recommendation)."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

PRODUCTION_HASHER = PasswordHasher()  # argon2-cffi's defaults: RFC 9106's low-memory profile (t=3, m=64 MiB, p=4)
_hasher = PRODUCTION_HASHER


def use_cheap_hashing_for_tests() -> None:
    """Hash new passwords with minimal Argon2 costs: for the test suite only, which signs in thousands of times.

    Hashes keep their parameters, so a stored hash verifies under either hasher; production code never calls this.
    """
    global _hasher
    _hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Return True when the password matches the stored hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


MIN_LENGTH = 8
MAX_LENGTH = 64


def password_problem(password: str, account: str = "") -> str | None:
    """Return why a new password is not acceptable (a reason code), or None.

    Stronger than the single-window rule it replaces (6-12 letters, digits or _): at least 8
    characters with both letters and digits, and not containing the account name.
    """
    if not password:
        return "required"
    if len(password) < MIN_LENGTH:
        return "password_short"
    if len(password) > MAX_LENGTH:
        return "password_long"
    if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        return "password_classes"
    if account and account.lower() in password.lower():
        return "password_has_account"
    return None
