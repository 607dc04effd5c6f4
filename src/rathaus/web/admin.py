"""Administration: tenants (platform admins) and the users and roles of a tenant."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, status
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from rathaus.core.audit.actions import PlatformAction
from rathaus.core.audit.service import record
from rathaus.core.letters.service import ensure_defaults
from rathaus.core.security.models import ROLE_LABELS, Role, Tenant, User
from rathaus.core.security.service import ValidationProblem, create_tenant, create_user
from rathaus.core.security.session_user import SessionUser
from rathaus.web.deps import Admin, PlatformSession, Superuser, TenantSession, actor_of, flash
from rathaus.web.templating import render

router = APIRouter(prefix="/admin", tags=["Administration"])

STATES = {
    "BW": "Baden-Württemberg",
    "BY": "Bayern",
    "BE": "Berlin",
    "BB": "Brandenburg",
    "HB": "Bremen",
    "HH": "Hamburg",
    "HE": "Hessen",
    "MV": "Mecklenburg-Vorpommern",
    "NI": "Niedersachsen",
    "NW": "Nordrhein-Westfalen",
    "RP": "Rheinland-Pfalz",
    "SL": "Saarland",
    "SN": "Sachsen",
    "ST": "Sachsen-Anhalt",
    "SH": "Schleswig-Holstein",
    "TH": "Thüringen",
}


@router.get("/mandanten", summary="Mandanten")
def tenants_page(request: Request, user: Superuser, session: PlatformSession) -> Response:
    tenants = session.scalars(select(Tenant).order_by(Tenant.name)).all()
    return render(
        request, "admin/tenants.html", {"tenants": tenants, "states": STATES, "form": {}, "errors": {}}
    )


@router.post("/mandanten", summary="Mandant anlegen")
def tenant_create(
    request: Request,
    user: Superuser,
    session: PlatformSession,
    name: Annotated[str, Form(max_length=200)] = "",
    slug: Annotated[str, Form(max_length=64)] = "",
    state: Annotated[str, Form(max_length=2)] = "NI",
) -> Response:
    form = {"name": name, "slug": slug, "state": state}
    try:
        if state not in STATES:
            raise ValidationProblem("state", "Bitte wählen Sie ein Bundesland aus der Liste.")
        tenant = create_tenant(session=session, actor=actor_of(user), slug=slug, name=name, state=state)
        ensure_defaults(session=session, tenant_id=tenant.id, actor=actor_of(user))
    except ValidationProblem as problem:
        session.rollback()
        tenants = session.scalars(select(Tenant).order_by(Tenant.name)).all()
        return render(
            request,
            "admin/tenants.html",
            {"tenants": tenants, "states": STATES, "form": form, "errors": {problem.field: problem.message}},
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        )
    flash(request, f"Mandant „{tenant.name}“ wurde angelegt.")
    return RedirectResponse("/admin/mandanten", status_code=303)


def _user_page_tenants(user: SessionUser, session: Session) -> list[Tenant]:
    if user.is_superuser:
        return list(session.scalars(select(Tenant).order_by(Tenant.name)))
    return list(session.scalars(select(Tenant).where(Tenant.id == user.tenant_id)))


@router.get("/benutzer", summary="Benutzerinnen und Benutzer")
def users_page(request: Request, user: Admin, session: TenantSession, platform: PlatformSession) -> Response:
    # Platform admins manage the accounts of every tenant; tenant admins only their own.
    accounts = platform if user.is_superuser else session
    users = accounts.scalars(select(User).order_by(User.tenant_id != user.tenant_id, User.full_name)).all()
    return render(
        request,
        "admin/users.html",
        {"users": users, "role_labels": ROLE_LABELS, "tenants": _user_page_tenants(user, platform)},
    )


@router.get("/benutzer/neu", summary="Formular: Benutzer anlegen")
def user_form(request: Request, user: Admin, platform: PlatformSession) -> Response:
    return render(
        request,
        "admin/user_form.html",
        {
            "roles": list(Role),
            "form": {"tenant_id": user.tenant_id, "roles": []},
            "errors": {},
            "tenants": _user_page_tenants(user, platform),
        },
    )


@router.post("/benutzer", summary="Benutzer anlegen")
def user_create(
    request: Request,
    user: Admin,
    platform: PlatformSession,
    username: Annotated[str, Form(max_length=80)] = "",
    full_name: Annotated[str, Form(max_length=200)] = "",
    email: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    roles: Annotated[list[str] | None, Form()] = None,
    tenant_id: Annotated[int | None, Form()] = None,
) -> Response:
    chosen = roles or []
    form = {
        "username": username,
        "full_name": full_name,
        "email": email,
        "roles": chosen,
        "tenant_id": tenant_id or user.tenant_id,
    }
    target_id = tenant_id if (user.is_superuser and tenant_id) else user.tenant_id
    tenant = platform.get(Tenant, target_id)
    if tenant is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Diesen Mandanten gibt es nicht.")
    try:
        valid_roles = {Role(value) for value in chosen if value in Role.__members__.values()}
        if len(valid_roles) != len(set(chosen)):
            raise ValidationProblem("roles", "Unbekannte Rolle ausgewählt.")
        created = create_user(
            session=platform,
            actor=actor_of(user),
            tenant=tenant,
            username=username,
            full_name=full_name,
            password=password,
            roles=valid_roles,
            email=email,
        )
    except ValidationProblem as problem:
        platform.rollback()
        return render(
            request,
            "admin/user_form.html",
            {
                "roles": list(Role),
                "form": form,
                "errors": {problem.field: problem.message},
                "tenants": _user_page_tenants(user, platform),
            },
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        )
    flash(request, f"Benutzer „{created.username}“ wurde angelegt.")
    return RedirectResponse("/admin/benutzer", status_code=303)


@router.post("/benutzer/{user_id}/sperren", summary="Benutzer deaktivieren")
def user_deactivate(
    request: Request, user_id: int, user: Admin, session: TenantSession, platform: PlatformSession
) -> Response:
    if user.is_superuser:
        session = platform
    target = session.scalar(select(User).where(User.id == user_id))
    if target is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Diesen Benutzer gibt es nicht.")
    if target.id == user.id:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "Sie können Ihr eigenes Konto nicht deaktivieren.")
    target.is_active = False
    target.session_version += 1
    record(
        session=session,
        actor=actor_of(user),
        action=PlatformAction.USER_DEACTIVATED,
        object_type="user",
        object_id=target.id,
        tenant_id=target.tenant_id,
    )
    flash(request, f"Benutzer „{target.username}“ wurde deaktiviert.")
    return RedirectResponse("/admin/benutzer", status_code=303)
