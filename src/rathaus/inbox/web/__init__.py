"""Routes of the Posteingang, one router per area; the module record mounts them in this order."""

from __future__ import annotations

from fastapi import APIRouter

from rathaus.inbox.web import items, mailboxes

routers: tuple[APIRouter, ...] = (items.router, mailboxes.router)
