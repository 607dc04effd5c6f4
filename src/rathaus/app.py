"""The FastAPI app factory: the web kit's platform pages plus every module of ``rathaus.modules``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from rathaus.core.config import PlatformSettings
from rathaus.core.db import check_connection, make_engine, make_session_factory
from rathaus.core.module import Module
from rathaus.core.security.uploads import FORM_OVERHEAD, RequestSizeLimitMiddleware
from rathaus.modules import MODULES, Settings, job_modules
from rathaus.web import admin, audit, auth, home, jobs, letters, outbox, tenant_settings
from rathaus.web.context import AppContext
from rathaus.web.deps import verify_csrf
from rathaus.web.errors import install_error_handlers
from rathaus.web.security_headers import SecurityHeadersMiddleware
from rathaus.web.templating import make_templates

STATIC_DIR = Path(__file__).resolve().parent / "web" / "static"
PLATFORM_ROUTERS: tuple[APIRouter, ...] = (
    auth.router,
    home.router,
    admin.router,
    outbox.router,
    tenant_settings.router,
    letters.router,
    jobs.router,
    audit.router,
)


def create_app(settings: PlatformSettings | None = None, *, context: AppContext | None = None) -> FastAPI:
    """Build the web application for ``settings`` (read from the environment when omitted)."""
    if context is None:
        settings = settings or Settings()
        engine = make_engine(settings.db_url)
        check_connection(engine)
        context = AppContext(settings=settings, engine=engine, sessions=make_session_factory(engine))
    if not context.modules:
        context.modules = MODULES
        context.job_modules = job_modules(context.settings)
    return _build(context, context.modules)


def _build(context: AppContext, modules: Sequence[Module]) -> FastAPI:
    settings = context.settings
    app = FastAPI(
        title="Rathaus",
        description="KI-Assistenz für Kommunalverwaltungen – on-premise.",
        version="0.1.0",
        dependencies=[Depends(verify_csrf)],
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.context = context
    app.state.templates = make_templates(modules)
    app.add_middleware(
        RequestSizeLimitMiddleware,
        max_body_bytes=settings.uploads.max_bytes + FORM_OVERHEAD,
        path_limits={
            limit.path_prefix: limit.max_bytes(settings) + FORM_OVERHEAD
            for module in modules
            for limit in module.upload_limits
        },
    )
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie="rathaus_session",
        max_age=settings.security.session_max_age,
        same_site="lax",
        https_only=settings.security.cookie_secure,
    )
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for router in (*PLATFORM_ROUTERS, *(router for module in modules for router in module.routers)):
        app.include_router(router)
    install_error_handlers(app)
    return app
