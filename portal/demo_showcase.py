"""Demo content of the public showcase: the committee publishes finished projects, titled posts and two stories.

Runs after the demo projects and honours (`load_demo`), through the showcase services (audited like a
real publication). Idempotent: nothing is done once a demo story exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from honors.models import DemonstrationPost, PostStatus
from portal.accounts.models import User
from portal.showcase import services
from portal.showcase.models import Story
from projects.models import Project, Status

STORIES = [
    (
        "攻坚克难的焊接工艺团队",
        "五名劳模和高级技师组成的项目团队，用一年时间把焊缝一次合格率提升到98%以上。",
        "<p>项目团队坚持“问题导向立项，结果导向实施”，围绕焊缝返修多的难题开展攻关。</p>"
        "<h2>支部出题、党员作答、群众打分</h2>"
        "<p>支部把生产难题列成清单，党员认领攻关，职工群众评价成效。团队形成了以党员名字命名的操作法，"
        "编入作业指导书，在全车间推广。</p>",
    ),
    (
        "党员责任区里的“小改小革”",
        "党员责任区把节能降耗落到每一台设备、每一道工序。",
        "<p>责任区党员公开承诺、挂牌上岗，带动群众提出合理化建议，一年完成改进项目二十余项。</p>"
        "<ul><li>公开承诺上墙，接受群众监督</li><li>季度点评，年度评选党员先锋岗</li></ul>",
    ),
]


@dataclass
class DemoShowcaseResult:
    created: bool
    projects: int = 0
    posts: int = 0
    stories: int = 0


def load_demo_showcase() -> DemoShowcaseResult:
    if Story.objects.exists():
        return DemoShowcaseResult(created=False)
    office = User.objects.filter(username="committee").first()
    if office is None:
        return DemoShowcaseResult(created=False)
    finished = list(
        Project.objects.filter(status__in=[Status.COMPLETED, Status.EVALUATED])
        .annotate(n=Count("results"))
        .filter(n__gt=0)
        .order_by("-n", "id")[:8]
    )
    for project in finished:
        services.project_set_public(project=project, by=office, public=True)
    titled = list(DemonstrationPost.objects.filter(status=PostStatus.TITLED).order_by("id"))
    for post in titled:
        services.post_set_public(post=post, by=office, public=True)
    stories = 0
    for index, (title, summary, body) in enumerate(STORIES):
        project = finished[index] if index < len(finished) else None
        organization = project.organization if project else office.scope
        story = services.story_create(
            by=office,
            data={"title": title, "summary": summary, "body": body, "organization": organization, "project": project},
        )
        services.story_publish(story=story, by=office, publish=True)
        stories += 1
    return DemoShowcaseResult(created=True, projects=len(finished), posts=len(titled), stories=stories)
