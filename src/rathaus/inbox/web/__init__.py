"""Routes of the Posteingang, one router per area; the module record mounts them in this order."""

from __future__ import annotations

from fastapi import APIRouter

from rathaus.inbox.web import documents, items, mailboxes, plan, replies

routers: tuple[APIRouter, ...] = (
    items.router,
    documents.router,
    plan.router,
    replies.router,
    mailboxes.router,
)
