"""Secrets at rest: Fernet with a key derived from the secret key; another key cannot read them."""

from __future__ import annotations

import pytest

from rathaus.core.security.secrets import SecretDecryptionError, decrypt, encrypt

KEY = "installation-secret-" + "k" * 32


def test_a_secret_round_trips_and_is_not_readable_in_the_token() -> None:
    token = encrypt(KEY, "Passwort-äöü-123")
    assert "Passwort" not in token
    assert token != encrypt(KEY, "Passwort-äöü-123")  # a fresh IV each time
    assert decrypt(KEY, token) == "Passwort-äöü-123"


def test_another_key_or_an_altered_token_is_refused_clearly() -> None:
    token = encrypt(KEY, "geheim")
    with pytest.raises(SecretDecryptionError, match="another RATHAUS_SECRET_KEY"):
        decrypt("another-secret-" + "x" * 32, token)
    with pytest.raises(SecretDecryptionError):
        decrypt(KEY, token[:-4] + "AAAA")
    with pytest.raises(ValueError, match="empty secret key"):
        encrypt("", "geheim")
