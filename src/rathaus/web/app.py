"""The FastAPI app factory."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from rathaus.core.config import Settings
from rathaus.core.db import check_connection, make_engine, make_session_factory
from rathaus.core.security.uploads import FORM_OVERHEAD, RequestSizeLimitMiddleware
from rathaus.web.context import AppContext
from rathaus.web.deps import LoginRequiredError, verify_csrf
from rathaus.web.security_headers import SecurityHeadersMiddleware
from rathaus.web.templating import make_templates, render

STATIC_DIR = Path(__file__).resolve().parent / "static"

ERROR_TITLES = {
    400: "Ungültige Anfrage",
    403: "Zugriff verweigert",
    404: "Seite nicht gefunden",
    405: "Aktion nicht möglich",
    413: "Datei zu groß",
    415: "Dateityp nicht erlaubt",
    422: "Eingaben unvollständig",
    429: "Zu viele Anfragen",
    500: "Interner Fehler",
}


def create_app(settings: Settings | None = None, *, context: AppContext | None = None) -> FastAPI:
    """Build the web application for ``settings`` (read from the environment when omitted)."""
    if context is None:
        settings = settings or Settings()
        engine = make_engine(settings.db_url)
        check_connection(engine)
        context = AppContext(settings=settings, engine=engine, sessions=make_session_factory(engine))
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
    app.state.templates = make_templates()
    app.add_middleware(
        RequestSizeLimitMiddleware,
        max_body_bytes=settings.uploads.max_bytes + FORM_OVERHEAD,
        path_limits={"/protokolle/aufnahmen/": settings.uploads.max_recording_bytes + FORM_OVERHEAD},
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
    _include_routers(app)
    _install_error_handlers(app)
    return app


def _include_routers(app: FastAPI) -> None:
    # Imported here so that importing rathaus.web.app stays cheap and free of cycles.
    from rathaus.applications.web import router as applications  # noqa: PLC0415
    from rathaus.appointments.web import router as appointments  # noqa: PLC0415
    from rathaus.assistant.web import router as assistant  # noqa: PLC0415
    from rathaus.audit.web import router as audit  # noqa: PLC0415
    from rathaus.governance.web import router as governance  # noqa: PLC0415
    from rathaus.inbox.web import router as inbox  # noqa: PLC0415
    from rathaus.minutes.web import router as minutes  # noqa: PLC0415
    from rathaus.web.admin import router as admin  # noqa: PLC0415
    from rathaus.web.auth import router as auth  # noqa: PLC0415
    from rathaus.web.home import router as home  # noqa: PLC0415
    from rathaus.web.jobs import router as jobs  # noqa: PLC0415
    from rathaus.web.tenant_settings import router as tenant_settings  # noqa: PLC0415

    for router in (
        auth,
        home,
        admin,
        tenant_settings,
        jobs,
        audit,
        minutes,
        inbox,
        assistant,
        appointments,
        applications,
        governance,
    ):
        app.include_router(router)
    from rathaus.assistant.web_sources import router as assistant_sources  # noqa: PLC0415

    app.include_router(assistant_sources)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequiredError)
    async def login_required(request: Request, error: LoginRequiredError) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": "Anmeldung erforderlich."}, status_code=401)
        target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""), safe="")
        suffix = "&abgelaufen=1" if error.expired else ""
        return RedirectResponse(f"/anmelden?weiter={target}{suffix}", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        detail = error.detail if isinstance(error.detail, str) else None
        if _wants_json(request):
            return JSONResponse(
                {"detail": detail or ERROR_TITLES.get(error.status_code, "Fehler")},
                status_code=error.status_code,
                headers=error.headers,
            )
        if (error.status_code == 404 and not detail) or detail == "Not Found":
            detail = "Die angeforderte Seite gibt es nicht oder nicht mehr."
        if error.status_code == 405 and detail == "Method Not Allowed":
            detail = "Diese Aktion ist an dieser Adresse nicht möglich."
        return render(
            request,
            "error.html",
            {
                "status": error.status_code,
                "title": ERROR_TITLES.get(error.status_code, "Fehler"),
                "detail": detail,
            },
            status_code=error.status_code,
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> Response:
        fields = sorted({str(item["loc"][-1]) for item in error.errors() if item.get("loc")})
        detail = "Bitte prüfen Sie die Eingaben" + (f" ({', '.join(fields)})." if fields else ".")
        if _wants_json(request):
            return JSONResponse({"detail": detail, "errors": fields}, status_code=422)
        return render(
            request,
            "error.html",
            {"status": 422, "title": ERROR_TITLES[422], "detail": detail},
            status_code=422,
        )
