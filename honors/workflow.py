"""The state machines of demonstration posts (WORKFLOWS §3) and award campaigns (§4), one table each.

``honors.services.post_transition`` and ``honors.services.campaign_transition`` are the only
functions that apply them; they refuse anything the table does not allow and write a log row.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Role

from .models import CampaignStatus, PostStatus

REVIEWERS = frozenset({Role.REVIEWER, Role.COMMITTEE_ADMIN})
COMMITTEE = frozenset({Role.COMMITTEE_ADMIN})


@dataclass(frozen=True)
class Transition:
    action: str
    label: object
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    needs_comment: bool = False
    style: str = "primary"
    by_form: bool = False  # taken through its own form (it collects more than a comment)


def _table(*transitions: Transition) -> dict[str, Transition]:
    return {t.action: t for t in transitions}


POST_TRANSITIONS = _table(
    Transition(
        "accept",
        _("Accept the application"),
        frozenset({PostStatus.APPLIED}),
        PostStatus.BUILDING,
        REVIEWERS,
        style="success",
    ),
    Transition(
        "reject",
        _("Reject the application"),
        frozenset({PostStatus.APPLIED}),
        PostStatus.REJECTED,
        REVIEWERS,
        needs_comment=True,
        style="danger",
    ),
    Transition(
        "title",
        _("Assessment passed: grant the title"),
        frozenset({PostStatus.BUILDING}),
        PostStatus.TITLED,
        REVIEWERS,
        style="success",
        by_form=True,
    ),
    Transition(
        "fail",
        _("Assessment failed: keep building"),
        frozenset({PostStatus.BUILDING}),
        PostStatus.BUILDING,
        REVIEWERS,
        needs_comment=True,
        style="warning",
        by_form=True,
    ),
    Transition(
        "keep",
        _("Yearly review passed: keep the title"),
        frozenset({PostStatus.TITLED}),
        PostStatus.TITLED,
        REVIEWERS,
        style="success",
        by_form=True,
    ),
    Transition(
        "revoke",
        _("Yearly review failed: revoke the title"),
        frozenset({PostStatus.TITLED}),
        PostStatus.REVOKED,
        REVIEWERS,
        needs_comment=True,
        style="danger",
        by_form=True,
    ),
)

# Assessment outcomes: the action taken when the total reaches the pass mark, and when it does not.
ASSESSMENT_ACTIONS = {
    PostStatus.BUILDING: ("title", "fail"),
    PostStatus.TITLED: ("keep", "revoke"),
}


CAMPAIGN_TRANSITIONS = _table(
    Transition(
        "open",
        _("Open nominations"),
        frozenset({CampaignStatus.DRAFT}),
        CampaignStatus.NOMINATING,
        COMMITTEE,
        style="success",
    ),
    Transition(
        "close",
        _("Close nominations and start judging"),
        frozenset({CampaignStatus.NOMINATING}),
        CampaignStatus.JUDGING,
        COMMITTEE,
    ),
    Transition(
        "publish",
        _("Publish the results for publicity"),
        frozenset({CampaignStatus.JUDGING}),
        CampaignStatus.PUBLICITY,
        COMMITTEE,
        style="success",
    ),
    Transition(
        "reopen_judging",
        _("Back to judging"),
        frozenset({CampaignStatus.PUBLICITY}),
        CampaignStatus.JUDGING,
        COMMITTEE,
        needs_comment=True,
        style="warning",
    ),
    Transition(
        "finalize",
        _("Finalize: grant the honours"),
        frozenset({CampaignStatus.PUBLICITY}),
        CampaignStatus.AWARDED,
        COMMITTEE,
        style="success",
    ),
)


class TransitionError(Exception):
    """A transition the current state or the user's role does not allow, or a refused input."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


def available(table: dict[str, Transition], status: str, role: str | None) -> list[Transition]:
    """Transitions this role may take from this state (before the scope check)."""
    return [t for t in table.values() if status in t.sources and role in t.roles]


def available_post_actions(post, user) -> list[Transition]:
    return available(POST_TRANSITIONS, post.status, getattr(user, "role", None))


def available_campaign_actions(campaign, user) -> list[Transition]:
    return available(CAMPAIGN_TRANSITIONS, campaign.status, getattr(user, "role", None))
