"""Reads with joins and aggregates for posts, campaigns, honours and grading (constant query counts)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Avg, Count, Exists, F, FilteredRelation, OuterRef, Prefetch, Q, QuerySet

from branches.models import Member, Organization, OrgKind

from .models import (
    RECIPIENT_FIELDS,
    Appraisal,
    BranchGrade,
    BranchQuota,
    Campaign,
    CampaignAward,
    DemonstrationPost,
    Honor,
    Judgement,
    Liaison,
    Nomination,
    NominationStatus,
    PostStatus,
    RecipientKind,
)

ACTIVE_NOMINATION = ~Q(nominations__status=NominationStatus.WITHDRAWN)


def campaign_offers(campaign: Campaign) -> QuerySet[CampaignAward]:
    """The awards on offer with nominated and awarded counts (one query)."""
    return (
        campaign.offers.select_related("award", "award__rubric")
        .annotate(
            nominated=Count("nominations", filter=ACTIVE_NOMINATION),
            awarded=Count("nominations", filter=Q(nominations__status=NominationStatus.WINNER)),
            top=Count("nominations", filter=Q(nominations__is_top_grade=True)),
        )
        .order_by("award__recipient_kind", "award__name")
    )


@dataclass
class CampaignFigures:
    nominated: int
    awarded: int
    branches: int  # branches that nominated at least once

    @property
    def rate(self) -> float | None:
        return round(self.awarded * 100 / self.nominated, 1) if self.nominated else None


def campaign_figures(campaign: Campaign) -> CampaignFigures:
    """Nominated vs awarded for a whole campaign (e.g. 44 nominated, 23 awarded)."""
    figures = (
        Nomination.objects.filter(offer__campaign=campaign)
        .exclude(status=NominationStatus.WITHDRAWN)
        .aggregate(
            nominated=Count("pk"),
            awarded=Count("pk", filter=Q(status=NominationStatus.WINNER)),
            branches=Count("organization", distinct=True),
        )
    )
    return CampaignFigures(**figures)


def campaign_branch_table(campaign: Campaign) -> list[dict]:
    """Per nominating branch: nominated and awarded (one grouped query)."""
    return list(
        Nomination.objects.filter(offer__campaign=campaign)
        .exclude(status=NominationStatus.WITHDRAWN)
        .values("organization", "organization__name", "organization__path")
        .annotate(nominated=Count("pk"), awarded=Count("pk", filter=Q(status=NominationStatus.WINNER)))
        .order_by("organization__path")
    )


def branch_quota_usage(campaign: Campaign, organization: Organization) -> list[dict]:
    """For a nominating branch: each award on offer with the branch's quota and how much it has used."""
    overrides = dict(
        BranchQuota.objects.filter(offer__campaign=campaign, organization=organization).values_list("offer", "quota")
    )
    rows = []
    offers = campaign.offers.select_related("award").annotate(
        used=Count(
            "nominations",
            filter=Q(nominations__organization=organization) & ACTIVE_NOMINATION,
        )
    )
    for offer in offers.order_by("award__recipient_kind", "award__name"):
        quota = overrides.get(offer.pk, offer.branch_quota)
        rows.append({"offer": offer, "quota": quota, "used": offer.used, "left": max(quota - offer.used, 0)})
    return rows


def nominations_with_people(queryset: QuerySet[Nomination]) -> QuerySet[Nomination]:
    return queryset.select_related(
        "offer__award",
        "offer__campaign",
        "organization",
        "member__organization",
        "branch",
        "project__organization",
        "post__organization",
    )


def ranking(offer: CampaignAward) -> QuerySet[Nomination]:
    """Nominations of one award ranked by average score (or votes for), with judging progress."""
    return (
        nominations_with_people(offer.nominations.exclude(status=NominationStatus.WITHDRAWN))
        .annotate(
            average=Avg("judgements__total"),
            judged=Count("judgements"),
            votes_for=Count("judgements", filter=Q(judgements__vote=True)),
            votes_against=Count("judgements", filter=Q(judgements__vote=False)),
        )
        .order_by(F("average").desc(nulls_last=True), "-votes_for", "id")
    )


def judge_queue(campaign: Campaign, judge) -> QuerySet[Nomination]:
    """Nominations a judge sees, with whether this judge has judged each (recusal is decided per row)."""
    mine = Judgement.objects.filter(nomination=OuterRef("pk"), judge=judge)
    return (
        nominations_with_people(Nomination.objects.filter(offer__campaign=campaign))
        .exclude(status=NominationStatus.WITHDRAWN)
        .annotate(judged_by_me=Exists(mine))
        .order_by("offer__award__name", "organization__path", "id")
    )


def candidates_for(offer: CampaignAward, organization: Organization) -> QuerySet:
    """Who a branch may nominate for one award: its own people, itself, its projects or its posts."""
    from projects.models import PUBLISHED_STATUSES, Project

    kind = offer.award.recipient_kind
    taken = offer.nominations.exclude(status=NominationStatus.WITHDRAWN).values(RECIPIENT_FIELDS[kind])
    if kind == RecipientKind.MEMBER:
        qs = Member.objects.filter(organization__path__startswith=organization.path, is_active=True, on_duty=True)
        if offer.award.party_members_only:
            qs = qs.party()
    elif kind == RecipientKind.BRANCH:
        qs = Organization.objects.filter(path__startswith=organization.path, is_active=True).exclude(
            kind=OrgKind.PARTY_GROUP
        )
    elif kind == RecipientKind.PROJECT:
        qs = Project.objects.filter(organization__path__startswith=organization.path, status__in=PUBLISHED_STATUSES)
    else:
        qs = DemonstrationPost.objects.filter(
            organization__path__startswith=organization.path, status__in=[PostStatus.BUILDING, PostStatus.TITLED]
        )
    return qs.exclude(pk__in=taken)


def honors_of(obj) -> QuerySet[Honor]:
    """Valid honours of a member, an organization (as recipient), a project or a post."""
    from projects.models import Project

    field = {
        Member: "member",
        Organization: "branch",
        Project: "project",
        DemonstrationPost: "post",
    }[type(obj)]
    return (
        Honor.objects.filter(**{field: obj}, is_active=True).select_related("award").order_by("-year", "-quarter", "id")
    )


def honors_in(organization: Organization) -> QuerySet[Honor]:
    """Valid honours of everything in an organization's subtree (its people, projects, posts and itself)."""
    return (
        Honor.objects.filter(organization__path__startswith=organization.path, is_active=True)
        .select_related("member", "branch", "project", "post", "organization")
        .order_by("-year", "-quarter", "id")
    )


def honor_roll(queryset: QuerySet[Honor]) -> QuerySet[Honor]:
    return queryset.select_related("member", "branch", "project", "post", "organization", "award")


def branch_record(organization: Organization) -> dict:
    """A branch's grades, appraisals and liaison points, newest first (for its page)."""
    return {
        "grades": list(BranchGrade.objects.filter(organization=organization).select_related("grade").order_by("-year")),
        "appraisals": list(
            Appraisal.objects.filter(organization=organization).select_related("post").order_by("-year", "post_id")
        ),
        "liaisons": list(
            Liaison.objects.filter(organization=organization).select_related("member").order_by("until", "-since")
        ),
        "posts": list(
            DemonstrationPost.objects.filter(organization__path__startswith=organization.path)
            .exclude(status=PostStatus.REJECTED)
            .select_related("leader")
            .order_by("status", "name")
        ),
    }


def grading_overview(branches: QuerySet[Organization], year: int) -> QuerySet[Organization]:
    """Branches with their grade and branch appraisal for a year and their current liaisons (3 queries)."""
    return (
        branches.filter(kind__in=[OrgKind.BRANCH, OrgKind.GENERAL_BRANCH], is_active=True)
        .annotate(
            year_grade=FilteredRelation("grades", condition=Q(grades__year=year)),
            year_appraisal=FilteredRelation(
                "appraisals", condition=Q(appraisals__year=year, appraisals__post__isnull=True)
            ),
        )
        .select_related("year_grade", "year_grade__grade", "year_appraisal")
        .prefetch_related(
            Prefetch(
                "liaisons",
                queryset=Liaison.objects.filter(until__isnull=True).select_related("member"),
                to_attr="current_liaisons",
            )
        )
        .order_by("path")
    )
