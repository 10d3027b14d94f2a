"""The project state machine of WORKFLOWS.md §1, as one table.

Each action names the states it may start from, the state it leads to, the
roles that may take it (the scope check is the permissions module's), and
whether a comment is required. ``projects.services.project_transition`` is the
only function that applies it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Role

from .models import Status

SECRETARY = frozenset({Role.SECRETARY})
REVIEWERS = frozenset({Role.REVIEWER, Role.COMMITTEE_ADMIN})
COMMITTEE = frozenset({Role.COMMITTEE_ADMIN})
SYSTEM = frozenset()  # taken by the scheduled command (by=None) or lazily on view


@dataclass(frozen=True)
class Transition:
    action: str
    label: object
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    needs_comment: bool = False
    style: str = "primary"


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition("submit", _("Submit for review"), frozenset({Status.DRAFT}), Status.SUBMITTED, SECRETARY),
        Transition(
            "return", _("Return for changes"), frozenset({Status.SUBMITTED}), Status.DRAFT, REVIEWERS, True, "warning"
        ),
        Transition("reject", _("Reject"), frozenset({Status.SUBMITTED}), Status.REJECTED, REVIEWERS, True, "danger"),
        Transition(
            "approve", _("Approve"), frozenset({Status.SUBMITTED}), Status.APPROVED, REVIEWERS, False, "success"
        ),
        Transition("start", _("Start (publicity over)"), frozenset({Status.APPROVED}), Status.IN_PROGRESS, COMMITTEE),
        Transition(
            "request_completion",
            _("Request completion"),
            frozenset({Status.IN_PROGRESS}),
            Status.COMPLETION_REVIEW,
            SECRETARY,
        ),
        Transition(
            "return_completion",
            _("Return the completion request"),
            frozenset({Status.COMPLETION_REVIEW}),
            Status.IN_PROGRESS,
            REVIEWERS,
            True,
            "warning",
        ),
        Transition(
            "accept",
            _("Accept completion"),
            frozenset({Status.COMPLETION_REVIEW}),
            Status.COMPLETED,
            REVIEWERS,
            False,
            "success",
        ),
        Transition("evaluate", _("Evaluate"), frozenset({Status.COMPLETED}), Status.EVALUATED, REVIEWERS),
        Transition(
            "terminate",
            _("Terminate"),
            frozenset({Status.APPROVED, Status.IN_PROGRESS}),
            Status.TERMINATED,
            COMMITTEE,
            True,
            "danger",
        ),
    ]
}

# Actions taken through their own form (they collect more than a comment).
FORM_ACTIONS = {"approve", "request_completion", "evaluate"}


class TransitionError(Exception):
    """A transition the current state or the user's role does not allow."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


def available_actions(status: str, role: str | None) -> list[Transition]:
    """Transitions this role may take from this state (before the scope check)."""
    return [t for t in TRANSITIONS.values() if status in t.sources and role in t.roles]
