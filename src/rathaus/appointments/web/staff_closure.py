"""Closing a location for a day: a form, a confirmation step with the appointments affected, then the notices.

The closure and the cancellations are committed before any mail goes out; a mail that fails is recorded
(``MAIL_FAILED``) and counted in the message, and never undoes the closure.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request, status
from fastapi.responses import Response

from rathaus.appointments import board, closing, counter_mail
from rathaus.appointments.slots import NotBookableError
from rathaus.appointments.store import closures_on
from rathaus.appointments.times import to_local
from rathaus.appointments.web.staff_common import (
    Form,
    day_label,
    location_or_404,
    now,
    outbox,
    services_label,
    settings_of,
    to_day,
    today,
)
from rathaus.web.deps import Caseworker, Context, TenantSession, actor_of, flash
from rathaus.web.templating import render

router = APIRouter()


def _form_page(
    request: Request,
    session: TenantSession,
    *,
    values: dict[str, str],
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "appointments/close.html",
        {"locations": board.locations(session=session), "values": values, "error": error},
        status_code=status_code,
    )


@router.get("/schliessen", summary="Standort für einen Tag schließen")
def close_form(request: Request, user: Caseworker, session: TenantSession) -> Response:
    values = {
        "standort": request.query_params.get("standort", ""),
        "datum": request.query_params.get("datum", today().isoformat()),
        "grund": "",
    }
    return _form_page(request, session, values=values)


def _checked(session: TenantSession, form: Form) -> tuple[dict[str, str], str | None, dt.date]:
    values = {key: " ".join(str(form.get(key) or "").split()) for key in ("standort", "datum", "grund")}
    day = today()
    try:
        day = dt.date.fromisoformat(values["datum"])
    except ValueError:
        return values, "Bitte geben Sie den Tag als JJJJ-MM-TT an (z. B. 2027-02-02).", day
    if day < today():
        return values, "Ein vergangener Tag kann nicht mehr geschlossen werden.", day
    if not values["grund"]:
        return values, "Bitte geben Sie einen Grund an (er steht in der Nachricht an die Betroffenen).", day
    return values, None, day


@router.post("/schliessen/pruefen", summary="Schließung prüfen: betroffene Termine")
def close_check(request: Request, user: Caseworker, session: TenantSession, form: Form) -> Response:
    location = location_or_404(session, str(form.get("standort") or ""))
    values, error, day = _checked(session, form)
    if error:
        return _form_page(
            request, session, values=values, error=error, status_code=status.HTTP_400_BAD_REQUEST
        )
    affected = closing.affected_by_closure(session=session, location=location, day=day)
    return render(
        request,
        "appointments/close_confirm.html",
        {
            "location": location,
            "day": day,
            "day_label": day_label(day),
            "reason": values["grund"],
            "affected": affected,
            "services_label": services_label,
            "local": to_local,
            "already": closures_on(session=session, location=location, day=day),
        },
    )


@router.post("/schliessen", summary="Standort für einen Tag schließen und Betroffene benachrichtigen")
def close(
    request: Request, user: Caseworker, session: TenantSession, context: Context, form: Form
) -> Response:
    location = location_or_404(session, str(form.get("standort") or ""))
    values, error, day = _checked(session, form)
    if error or form.get("bestaetigt") != "ja":
        return _form_page(
            request,
            session,
            values=values,
            error=error or "Bitte bestätigen Sie die Schließung.",
            status_code=status.HTTP_400_BAD_REQUEST,
        )
    try:
        result = closing.close_day(
            session=session,
            location=location,
            day=day,
            reason=values["grund"],
            now=now(),
            settings=settings_of(context),
            state=user.tenant.state,
            actor=actor_of(user),
        )
    except NotBookableError as problem:
        session.rollback()
        return _form_page(request, session, values=values, error=str(problem), status_code=400)
    session.commit()
    sent = counter_mail.closure_notices(
        session=session, office=outbox(request, user, context), result=result, actor=actor_of(user)
    )
    text = (
        f"{location.name} ist am {day_label(day)} geschlossen. {len(result.cancelled)} Termine abgesagt; "
        f"{sent.sent} Benachrichtigungen mit Ausweichterminen versandt"
    )
    if sent.failed:
        text += f", {sent.failed} E-Mails fehlgeschlagen (im Prüfprotokoll vermerkt)"
    if sent.no_address:
        text += f", {sent.no_address} ohne E-Mail-Adresse (bitte selbst informieren)"
    flash(request, text + ".", "error" if sent.failed else "success")
    return to_day(location.id, day)
