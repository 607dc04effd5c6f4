"""Error pages: German HTML for people, JSON for the API, and the login redirect."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from rathaus.web.deps import LoginRequiredError
from rathaus.web.templating import render

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


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


def install_error_handlers(app: FastAPI) -> None:
    """Answer errors with the German error page (or JSON for the API)."""

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
        page = render(
            request,
            "error.html",
            {
                "status": error.status_code,
                "title": ERROR_TITLES.get(error.status_code, "Fehler"),
                "detail": detail,
            },
            status_code=error.status_code,
        )
        page.headers.update(error.headers or {})  # e.g. Retry-After of a 429
        return page

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
