"""German labels of the Anträge's states, outcomes, severities, categories, reviews and audit actions."""

from __future__ import annotations

from rathaus.applications.audit_actions import ApplicationsAction
from rathaus.applications.definition import Category, Severity
from rathaus.applications.models import ApplicationStatus, Outcome, Review

STATUS_LABELS = {
    ApplicationStatus.SUBMITTED: "Eingegangen",
    ApplicationStatus.CHECKING: "In Prüfung",
    ApplicationStatus.CHECKED: "Geprüft",
    ApplicationStatus.DOCUMENTS_REQUESTED: "Unterlagen nachgefordert",
    ApplicationStatus.DECIDED: "Entschieden",
    ApplicationStatus.WITHDRAWN: "Zurückgezogen",
}
OUTCOME_LABELS = {
    Outcome.APPROVED: "bewilligt",
    Outcome.PARTIALLY_APPROVED: "teilweise bewilligt",
    Outcome.REJECTED: "abgelehnt",
}
SEVERITY_LABELS = {Severity.ERROR: "Fehler", Severity.WARNING: "Warnung", Severity.NOTE: "Hinweis"}
CATEGORY_LABELS = {
    Category.COMPLETENESS: "Vollständigkeit",
    Category.PLAUSIBILITY: "Plausibilität",
    Category.CONSISTENCY: "Konsistenz",
}
REVIEW_LABELS = {Review.ACCEPTED: "bestätigt", Review.OVERRIDDEN: "übersteuert"}
ACTION_LABELS = {
    ApplicationsAction.SUBMITTED: "Antrag eingegangen",
    ApplicationsAction.CHECKED: "Automatisch geprüft",
    ApplicationsAction.FINDING_REVIEWED: "Befund bewertet",
    ApplicationsAction.DOCUMENTS_REQUESTED: "Unterlagen nachgefordert",
    ApplicationsAction.DOCUMENTS_ADDED: "Unterlagen nachgereicht",
    ApplicationsAction.LETTER_DRAFTED: "Schreiben entworfen",
    ApplicationsAction.LETTER_SENT: "Schreiben versandt",
    ApplicationsAction.DECIDED: "Entschieden",
    ApplicationsAction.WITHDRAWN: "Zurückgezogen",
    ApplicationsAction.DATA_ERASED: "Personenbezogene Daten gelöscht",
}
