"""Reads of the public showcase: only published things, only public fields (no phone, no employee number).

Every page reads a fixed number of queries whatever the data size. Personal records are loaded with
``only("name")`` so that no personal field even reaches a template.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from branches.models import Organization
from honors.models import LEVEL_ORDER, DemonstrationPost, Honor, PostStatus
from portal.db import prepared_cursor
from projects.models import Attachment, AttachmentKind, Category, Project, Result, Status, TeamMember

from .models import Story

# Published projects: approved (in publicity) or later; a terminated or rejected project leaves the showcase.
PUBLIC_PROJECT_STATUSES = (
    Status.APPROVED,
    Status.IN_PROGRESS,
    Status.COMPLETION_REVIEW,
    Status.COMPLETED,
    Status.EVALUATED,
)
PUBLIC_POST_STATUSES = (PostStatus.BUILDING, PostStatus.TITLED)

FEATURED = 6
LATEST = 6
GALLERY_PAGE = 24
BRANCH_LIST = 50


def public_projects() -> QuerySet:
    return Project.objects.filter(is_public=True, status__in=PUBLIC_PROJECT_STATUSES)


def public_posts() -> QuerySet:
    return DemonstrationPost.objects.filter(is_public=True, status__in=PUBLIC_POST_STATUSES)


def public_honors() -> QuerySet:
    return Honor.objects.filter(is_public=True, is_active=True)


def published_stories() -> QuerySet:
    return Story.objects.filter(is_published=True)


def fingerprint() -> str:
    """A cheap summary of the data behind the public pages, in one query of primary-key maxima (each an
    index lookup, whatever the size). Every change a service makes writes an audit row (publishing,
    unpublishing, a revoked honour, a terminated project, an edited story), so the audit log's last id
    moves with each of them; the other maxima catch rows inserted without the services (bulk loads)."""
    from portal.audit.models import AuditEvent

    tables = [AuditEvent, Project, Result, Honor, DemonstrationPost, Story]
    # Table names come from the models, never from input.
    maxima = ", ".join(f"(SELECT COALESCE(MAX(id), 0) FROM {m._meta.db_table})" for m in tables)  # noqa: S608
    sql = f"SELECT {maxima}"
    with prepared_cursor() as cursor:  # planned once per connection (portal/db.py)
        cursor.execute(sql)
        row = cursor.fetchone()
    return "/".join(str(part) for part in row)


def _value_subquery():
    totals = Result.objects.filter(project=OuterRef("pk")).order_by().values("project").annotate(t=Sum("value"))
    return Coalesce(
        Subquery(totals.values("t")[:1], output_field=DecimalField(max_digits=14, decimal_places=2)),
        Value(Decimal("0")),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )


def _cover_subquery():
    photos = Attachment.objects.filter(project=OuterRef("pk"), kind=AttachmentKind.PHOTO, is_active=True)
    return Subquery(photos.order_by("uploaded_at", "id").values("pk")[:1])


def project_cards(queryset: QuerySet) -> QuerySet:
    """Projects as cards: number, title, year, branch, category, value created, cover photo id."""
    return (
        queryset.select_related("organization", "category")
        .only("number", "title", "year", "goals", "approved_at", "organization__name", "category__name")
        .annotate(value=_value_subquery(), cover_id=_cover_subquery())
    )


@dataclass(frozen=True)
class Figures:
    projects: int
    value: Decimal
    honors: int
    posts: int
    stories: int


def headline_figures() -> Figures:
    """Published projects, the value they created, valid honours, posts and stories (one query)."""
    project, result = Project._meta.db_table, Result._meta.db_table
    post, honor, story = DemonstrationPost._meta.db_table, Honor._meta.db_table, Story._meta.db_table
    statuses = ", ".join(["%s"] * len(PUBLIC_PROJECT_STATUSES))
    post_statuses = ", ".join(["%s"] * len(PUBLIC_POST_STATUSES))
    sql = f"""
        SELECT
          (SELECT COUNT(*) FROM {project} WHERE is_public AND status IN ({statuses})),
          (SELECT COALESCE(SUM(r.value), 0) FROM {result} r JOIN {project} p ON p.id = r.project_id
            WHERE p.is_public AND p.status IN ({statuses})),
          (SELECT COUNT(*) FROM {honor} WHERE is_public AND is_active),
          (SELECT COUNT(*) FROM {post} WHERE is_public AND status IN ({post_statuses})),
          (SELECT COUNT(*) FROM {story} WHERE is_published)
    """  # noqa: S608 (table names from the models, values as parameters)
    params = [*PUBLIC_PROJECT_STATUSES, *PUBLIC_PROJECT_STATUSES, *PUBLIC_POST_STATUSES]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        projects, value, honors, posts, stories = cursor.fetchone()
    return Figures(projects, Decimal(value), honors, posts, stories)


def featured_projects() -> list[Project]:
    """Published projects with the highest value created, the most recently approved first among equals."""
    return list(project_cards(public_projects()).order_by("-value", "-approved_at", "-id")[:FEATURED])


def latest_honors(limit: int = LATEST) -> list[Honor]:
    return with_recipient_names(_honor_rows(public_honors()).order_by("-year", "-granted_on", "-id")[:limit])


def latest_stories(limit: int = LATEST) -> list[Story]:
    return list(_story_rows(published_stories()).order_by("-published_at", "-id")[:limit])


def _story_rows(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("organization").only(
        "title", "summary", "published_at", "cover_id", "organization__name"
    )


def _honor_rows(queryset: QuerySet) -> QuerySet:
    """Honours with their recipient's public name only."""
    return queryset.select_related("member", "branch", "project", "post", "organization").only(
        "title",
        "level",
        "year",
        "quarter",
        "granted_by",
        "recipient_kind",
        "member__name",
        "branch__name",
        "project__title",
        "project__number",
        "project__is_public",
        "project__status",
        "post__name",
        "post__is_public",
        "post__status",
        "organization__name",
    )


def with_recipient_names(honors) -> list[Honor]:
    """Each honour's recipient as shown to visitors: a person's or organization's name; a project's or
    post's name only while that project or post is itself published."""
    rows = list(honors)
    for honor in rows:
        kind = honor.recipient_kind
        if kind == "member":
            honor.recipient_name = honor.member.name
        elif kind == "branch":
            honor.recipient_name = honor.branch.name
        elif kind == "project":
            honor.recipient_name = honor.project.title if project_is_public(honor.project) else ""
        elif kind == "post":
            honor.recipient_name = honor.post.name if post_is_public(honor.post) else ""
        else:
            honor.recipient_name = ""
    return rows


def gallery(*, category: int | None, year: int | None) -> QuerySet:
    projects = public_projects()
    if category:
        projects = projects.filter(category_id=category)
    if year:
        projects = projects.filter(year=year)
    return project_cards(projects).order_by("-year", "-approved_at", "-id")


def gallery_choices() -> tuple[list[Category], list[int]]:
    categories = list(Category.objects.filter(is_active=True).only("name"))
    years = list(public_projects().order_by("-year").values_list("year", flat=True).distinct())
    return categories, years


@dataclass
class ProjectPage:
    project: Project
    value: Decimal
    team: list[TeamMember]
    results: list[Result]
    photos: list[int]
    honors: list[Honor]
    stories: list[Story]


def project_page(pk: int) -> ProjectPage | None:
    project = (
        public_projects()
        .select_related("organization", "category", "topic_source")
        .only(
            "number",
            "title",
            "year",
            "status",
            "goals",
            "indicators",
            "completion_summary",
            "planned_start",
            "planned_end",
            "organization__name",
            "category__name",
            "topic_source__name",
        )
        .filter(pk=pk)
        .first()
    )
    if project is None:
        return None
    team = list(
        TeamMember.objects.filter(project=project)
        .select_related("member")
        .only("role", "duty", "project_id", "member__name")
        .order_by("role", "id")
    )
    results = list(
        Result.objects.filter(project=project)
        .select_related("result_type")
        .only("title", "achieved_on", "value", "reference", "description", "project_id", "result_type__name")
    )
    photos = list(
        Attachment.objects.filter(project=project, kind=AttachmentKind.PHOTO, is_active=True)
        .order_by("uploaded_at", "id")
        .values_list("pk", flat=True)
    )
    honors = with_recipient_names(_honor_rows(public_honors().filter(project=project)))
    stories = list(_story_rows(published_stories().filter(project=project)))
    value = sum((r.value for r in results), Decimal("0"))
    return ProjectPage(project, value, team, results, photos, honors, stories)


def honours_roll(*, year: int | None) -> tuple[list[int], int | None, list[tuple[str, list[Honor]]]]:
    """Years with published honours, the year shown (the latest by default) and its honours by level."""
    years = list(public_honors().order_by("-year").values_list("year", flat=True).distinct())
    if year not in years:
        year = years[0] if years else None
    if year is None:
        return years, None, []
    rows = sorted(
        with_recipient_names(_honor_rows(public_honors().filter(year=year))),
        key=lambda h: (LEVEL_ORDER.get(h.level, 99), h.title, h.pk),
    )
    groups: dict[str, list[Honor]] = {}
    for honor in rows:
        groups.setdefault(honor.level, []).append(honor)
    return years, year, list(groups.items())


def post_rows(queryset: QuerySet | None = None) -> QuerySet:
    queryset = public_posts() if queryset is None else queryset
    return (
        queryset.select_related("organization", "leader")
        .only("kind", "name", "pledge", "status", "titled_year", "year", "organization__name", "leader__name")
        .order_by("-titled_year", "organization__path", "name")
    )


@dataclass
class BranchPage:
    organization: Organization
    projects: list[Project]
    posts: list[DemonstrationPost]
    honors: list[Honor]


def branch_page(pk: int) -> BranchPage | None:
    organization = Organization.objects.filter(pk=pk, is_active=True).only("name", "kind", "path", "depth").first()
    if organization is None:
        return None
    projects = list(
        project_cards(public_projects().filter(organization=organization)).order_by("-year", "-id")[:BRANCH_LIST]
    )
    posts = list(post_rows(public_posts().filter(organization=organization))[:BRANCH_LIST])
    honors = with_recipient_names(
        _honor_rows(public_honors().filter(organization=organization)).order_by("-year", "-id")[:BRANCH_LIST]
    )
    return BranchPage(organization, projects, posts, honors)


def story_rows() -> QuerySet:
    return _story_rows(published_stories()).order_by("-published_at", "-id")


def story_page(pk: int) -> Story | None:
    return (
        published_stories()
        .select_related("organization", "project", "post")
        .only(
            "title",
            "summary",
            "body",
            "published_at",
            "cover_id",
            "organization__name",
            "project__title",
            "project__is_public",
            "project__status",
            "post__name",
            "post__is_public",
            "post__status",
        )
        .filter(pk=pk)
        .first()
    )


def project_is_public(project: Project | None) -> bool:
    return project is not None and project.is_public and project.status in PUBLIC_PROJECT_STATUSES


def post_is_public(post: DemonstrationPost | None) -> bool:
    return post is not None and post.is_public and post.status in PUBLIC_POST_STATUSES
