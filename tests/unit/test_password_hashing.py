"""Argon2 parameters: production keeps RFC 9106's low-memory profile; the suite's cheap hashes stay compatible."""
from __future__ import annotations

from argon2 import PasswordHasher

from auth import passwords


def test_production_hashes_use_the_recommended_argon2id_parameters():
    hashed = passwords.PRODUCTION_HASHER.hash("Correct-horse-1")
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert passwords.verify_password(hashed, "Correct-horse-1")
    assert not passwords.verify_password(hashed, "Correct-horse-2")


def test_the_suite_hashes_cheaply_and_a_cheap_hash_verifies_under_production_parameters():
    hashed = passwords.hash_password("Correct-horse-1")  # tests/conftest.py switched to cheap hashing
    assert hashed.startswith("$argon2id$v=19$m=8,t=1,p=1$")
    assert PasswordHasher().verify(hashed, "Correct-horse-1")
    assert passwords.PRODUCTION_HASHER.check_needs_rehash(hashed)  # a production server would upgrade it
