"""The statistics page (Caseworker) and the planning page (Admin) of the Terminvergabe; their forms
post to ``admin.py``. Charts are inline SVG with the same numbers in tables beside them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import Response
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from rathaus.appointments import planner
from rathaus.appointments.config import AppointmentsSettings
from rathaus.appointments.jobs import tenant_state
from rathaus.appointments.models import STATUS_LABELS, CapacityPlan, Location, Offer, PlanStatus
from rathaus.appointments.planning.bars import Bar, render_bar_chart
from rathaus.appointments.planning.chart import ChartPoint, forecast_chart_points, render_line_chart
from rathaus.appointments.statistics import Figures, Report, period_report
from rathaus.appointments.times import local_today
from rathaus.core import db
from rathaus.web.deps import Admin, Caseworker, Context, TenantSession
from rathaus.web.templating import render

router = APIRouter(tags=["Terminvergabe: Statistik und Planung"])
PLAN_LABELS = {
    PlanStatus.SUGGESTED: "vorgeschlagen",
    PlanStatus.ACCEPTED: "angenommen",
    PlanStatus.CHANGED: "geändert",
    PlanStatus.REJECTED: "abgelehnt (Standard gilt)",
}
DEFAULT_DAYS = 28


def now() -> dt.datetime:
    """The current time (the seam tests set)."""
    return db.utcnow()


def location_or_404(session: Session, location_id: int) -> Location:
    """The location of the user's tenant, or 404 (another tenant's does not exist for them)."""
    location = session.scalar(
        select(Location)
        .where(Location.id == location_id)
        .options(selectinload(Location.windows), selectinload(Location.offers).selectinload(Offer.service))
    )
    if location is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Diesen Standort gibt es nicht.")
    return location


def percent(value: float | None) -> str:
    """A share as German percent with one decimal, "–" for none."""
    return "–" if value is None else f"{value * 100:.1f} %".replace(".", ",")


def number(value: float | None) -> str:
    return "–" if value is None else f"{value:g}".replace(".", ",")


SHORT_WEEKDAYS = ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")


def day_label(day: dt.date) -> str:
    """A day for people, German: ``Di 02.02.2027``."""
    return f"{SHORT_WEEKDAYS[day.weekday()]} {day:%d.%m.%Y}"


def _id(raw: str | None) -> int | None:
    """A chosen id from a select ("" = all); anything else than digits counts as none chosen."""
    return int(raw) if raw and raw.strip().isdigit() else None


def _date(raw: str | None, default: dt.date) -> tuple[dt.date, str | None]:
    if not raw:
        return default, None
    try:
        return dt.date.fromisoformat(raw), None
    except ValueError:
        return default, f"„{raw}“ ist kein gültiges Datum (TT.MM.JJJJ)."


def _bars(figures: list[Figures], chart_id: str, title: str) -> Markup:
    bars = [
        Bar(f.label, None if f.utilisation is None else f.utilisation * 100, percent(f.utilisation))
        for f in figures
    ]
    described = "; ".join(f"{bar.label}: {bar.text}" for bar in bars) or "Keine Daten."
    return render_bar_chart(bars=bars, title=title, description=described, chart_id=chart_id, maximum=100.0)


def _week_chart(report: Report) -> Markup:
    points = [
        ChartPoint(
            day=dt.date.fromisoformat(week.key),
            actual=None if week.utilisation is None else round(week.utilisation * 100),
            forecast=None if week.no_show_rate is None else round(week.no_show_rate * 100, 1),
            lower=None,
            upper=None,
        )
        for week in report.weeks
    ]
    described = "; ".join(
        f"Woche ab {p.day:%d.%m.%Y}: Auslastung {number(p.actual)} %, nicht erschienen {number(p.forecast)} %"
        for p in points
    )
    return render_line_chart(
        points=points,
        title="Auslastung und Quote nicht erschienener Termine je Woche, in Prozent",
        chart_id="wochen",
        y_label="Prozent",
        x_label="Woche (Montag)",
        legend=("Auslastung", "Nicht erschienen", ""),
        description=described or "Keine Daten.",
    )


@router.get("/termine/statistik", summary="Statistik der Terminvergabe")
def statistics_page(
    request: Request,
    user: Caseworker,
    session: TenantSession,
    von: str | None = None,
    bis: str | None = None,
    standort: str | None = None,
) -> Response:
    location_id = _id(standort)
    today = local_today(now())
    start, start_error = _date(von, today - dt.timedelta(days=DEFAULT_DAYS))
    end, end_error = _date(bis, today)
    errors = [error for error in (start_error, end_error) if error]
    if start > end:
        errors.append("Der Beginn des Zeitraums liegt nach seinem Ende.")
        start, end = today - dt.timedelta(days=DEFAULT_DAYS), today
    if location_id is not None:
        location_or_404(session, location_id)
    report = period_report(
        session=session, tenant_id=user.tenant_id, start=start, end=end, now=now(), location_id=location_id
    )
    return render(
        request,
        "appointments/statistics.html",
        {
            "report": report,
            "errors": errors,
            "locations": session.scalars(select(Location).order_by(Location.name)).all(),
            "chosen": location_id,
            "location_chart": _bars(report.locations, "standorte", "Auslastung je Standort, in Prozent"),
            "service_chart": _bars(report.services, "dienste", "Auslastung je Dienstleistung, in Prozent"),
            "week_chart": _week_chart(report),
            "status_labels": STATUS_LABELS,
            "percent": percent,
            "number": number,
        },
        status_code=422 if errors else 200,
    )


def _weeks(plans: list[CapacityPlan]) -> list[tuple[dt.date, list[CapacityPlan]]]:
    grouped: dict[dt.date, list[CapacityPlan]] = defaultdict(list)
    for plan in plans:
        grouped[plan.day - dt.timedelta(days=plan.day.weekday())].append(plan)
    return sorted(grouped.items())


@router.get("/termine/planung", summary="Planung der Terminvergabe")
def planning_page(
    request: Request,
    user: Admin,
    session: TenantSession,
    context: Context,
    standort: str | None = None,
    dienstleistung: str | None = None,
) -> Response:
    locations = session.scalars(select(Location).order_by(Location.name)).all()
    location_id = _id(standort)
    if location_id is None and locations:
        location_id = next((loc.id for loc in locations if loc.windows), locations[0].id)
    values: dict[str, object] = {"locations": locations, "location": None}
    if location_id is not None:
        location = location_or_404(session, location_id)
        moment = now()
        today = local_today(moment)
        state = tenant_state(session, user.tenant_id)
        service_ids = {offer.service_id for offer in location.offers}
        wanted = _id(dienstleistung)
        chosen = wanted if wanted in service_ids else None
        series = planner.forecast_series(
            session=session, location=location, today=today, state=state, service_id=chosen
        )
        points = forecast_chart_points(
            actual=series.history, forecast=series.forecast, start=today - dt.timedelta(weeks=8)
        )
        settings = context.settings.section(AppointmentsSettings)
        rate, overbooking = (
            planner.overbooking(session=session, location=location, now=moment)
            if settings.overbooking
            else (None, [])
        )
        values |= {
            "location": location,
            "service_id": chosen,
            "series": series,
            "points": points,
            "chart": render_line_chart(
                points=points, title=f"Buchungen je Tag und Prognose – {location.name}", chart_id="prognose"
            ),
            "weeks": _weeks(
                planner.plans(session=session, location=location, since=today + dt.timedelta(days=1))
            ),
            "plan_labels": PLAN_LABELS,
            "overbooking_on": settings.overbooking,
            "no_show_rate": rate,
            "overbooking": overbooking,
            "percent": percent,
            "number": number,
            "day_label": day_label,
        }
    return render(request, "appointments/planning.html", values)
