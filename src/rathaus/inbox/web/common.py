"""What the Posteingang's routes share: the URL prefix and lookups that answer 404."""

from __future__ import annotations

from fastapi import HTTPException, status
from sqlalchemy.orm import Session

from rathaus.inbox import service
from rathaus.inbox.models import Item

PREFIX = "/posteingang"


def item_or_404(session: Session, item_id: int) -> Item:
    """The item in the user's tenant, or 404 (another tenant's item does not exist for them)."""
    item = service.get_item(session=session, item_id=item_id)
    if item is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Dieser Eingang existiert nicht.")
    return item
