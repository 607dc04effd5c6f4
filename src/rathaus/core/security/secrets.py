"""Secrets at rest (e.g. an IMAP password): Fernet with a key derived from the installation's secret key.

The Fernet key is HKDF-SHA256 of ``RATHAUS_SECRET_KEY`` with a fixed label, so the stored tokens need
no key file of their own; changing the secret key makes them unreadable (they must be entered again)::

    token = encrypt(settings.secret_key, "geheim")
    decrypt(settings.secret_key, token)  # "geheim"
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

# Changing the label makes every stored secret unreadable: keep it as it is.
KEY_LABEL = b"rathaus secrets at rest v1"


class SecretDecryptionError(ValueError):
    """A stored secret cannot be decrypted: wrong secret key, or the token was altered."""


def _fernet(secret_key: str) -> Fernet:
    if not secret_key:
        msg = "an empty secret key cannot protect secrets; set RATHAUS_SECRET_KEY"
        raise ValueError(msg)
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=KEY_LABEL).derive(
        secret_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def encrypt(secret_key: str, plain: str) -> str:
    """A Fernet token (ASCII) for ``plain``, readable only with the same ``secret_key``."""
    return _fernet(secret_key).encrypt(plain.encode()).decode("ascii")


def decrypt(secret_key: str, token: str) -> str:
    """The plain text of ``token``; :class:`SecretDecryptionError` when the key does not fit."""
    try:
        return _fernet(secret_key).decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeError) as error:
        msg = (
            "cannot decrypt the stored secret: it was encrypted with another RATHAUS_SECRET_KEY "
            "or has been altered; enter the secret again"
        )
        raise SecretDecryptionError(msg) from error
