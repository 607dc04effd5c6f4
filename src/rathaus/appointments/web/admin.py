"""Routes of the Terminvergabe: admin (being built)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["Terminvergabe"])
