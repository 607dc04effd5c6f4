"""A reply of the Posteingang as a letter on paper: the values for the platform's ``antwort`` template."""

from __future__ import annotations

import re

from rathaus.inbox import textblocks
from rathaus.inbox.models import Item, Reply

SALUTATIONS = ("Sehr geehrte", "Guten Tag", "Hallo", "Liebe ", "Lieber ")
REPLY_PREFIX = re.compile(r"^(AW|Re):\s*", re.IGNORECASE)


def letter_values(*, reply: Reply, item: Item) -> dict[str, str]:
    """The placeholders of the platform's ``antwort`` letter for ``reply``: its salutation and the rest.

    The reply's text already carries the salutation (first paragraph) and the closing the caseworker
    approved; the letter keeps them as written. The e-mail's "AW:" is left out of the letter's subject.
    """
    first, _, rest = reply.body.partition("\n\n")
    if first.strip().startswith(SALUTATIONS) and rest.strip():
        anrede, text = first.strip(), rest.strip()
    else:
        anrede, text = textblocks.salutation(item.sender_name), reply.body.strip()
    return {
        "anrede": anrede,
        "text": text,
        "betreff": REPLY_PREFIX.sub("", reply.subject) or item.subject or "Ihr Schreiben",
        "aktenzeichen": item.file_reference or f"Eingang Nr. {item.id}",
        "name": item.sender_name,
    }
