"""Public pages of the showcase (no login): published things only, no personal data, constant queries, cache."""

from __future__ import annotations

import pytest
from django.urls import reverse

from honors import services as honor_services
from portal.showcase import services as showcase

from . import showcase_support as ss


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    ss.clear_cache()
    yield
    ss.clear_cache()


@pytest.fixture
def world(company, users):
    """Published and unpublished projects, posts, honours and stories; a teammate with a phone number."""
    mate = ss.teammate(company)
    project = ss.published_project(company, users, team=[mate])
    hidden = ss.published_project(company, users, title="未公开的项目", public=False)
    post = ss.published_post(company, users, name="焊接示范岗", pledge="质量第一，安全第一")
    hidden_post = ss.published_post(company, users, public=False, name="未公开的示范岗")
    honor = ss.honour(company, users, title="省级优秀共产党员", project=None)
    hidden_honor = showcase.honor_set_public(
        honor=ss.honour(company, users, title="未公开的荣誉"), by=users["committee_admin"], public=False
    )
    story = ss.story(company, users, title="攻坚克难的焊接团队", project=project)
    draft = ss.story(company, users, title="未发布的事迹", publish=False)
    return {
        "mate": mate,
        "project": project,
        "hidden": hidden,
        "post": post,
        "hidden_post": hidden_post,
        "honor": honor,
        "hidden_honor": hidden_honor,
        "story": story,
        "draft": draft,
    }


def _public_urls(world, company):
    return [
        reverse("home"),
        reverse("showcase:home"),
        reverse("showcase:gallery"),
        reverse("showcase:project", args=[world["project"].pk]),
        reverse("showcase:honours"),
        reverse("showcase:posts"),
        reverse("showcase:branch", args=[company.branch_a.pk]),
        reverse("showcase:stories"),
        reverse("showcase:story", args=[world["story"].pk]),
    ]


def test_it_serves_every_public_page_to_a_visitor(clients, company, world):
    for url in _public_urls(world, company):
        response = clients["visitor"].get(url)
        assert response.status_code == 200, url


def test_it_never_shows_phone_numbers_or_employee_numbers(clients, company, world):
    people = [world["mate"], company.member_a]
    for url in _public_urls(world, company):
        html = clients["visitor"].get(url).content.decode()
        for person in people:
            assert person.phone not in html, f"{url} shows a phone number"
            assert person.employee_no not in html, f"{url} shows an employee number"
        assert ss.PHONE not in html and ss.EMPLOYEE_NO not in html


def test_it_shows_team_names_results_and_value_on_the_project_page(clients, world):
    response = clients["visitor"].get(reverse("showcase:project", args=[world["project"].pk]))
    html = response.content.decode()
    assert world["mate"].name in html
    assert "一种焊接夹具" in html
    assert "35.50" in html
    assert world["project"].number in html
    assert response.context["page"].photos, "the project's photo is shown"


def test_it_shows_published_things_only(clients, company, world):
    pages = {url: clients["visitor"].get(url).content.decode() for url in _public_urls(world, company)}
    everything = "\n".join(pages.values())
    for hidden in ("未公开的项目", "未公开的示范岗", "未公开的荣誉", "未发布的事迹"):
        assert hidden not in everything
    assert "焊接示范岗" in pages[reverse("showcase:posts")]
    assert "质量第一，安全第一" in pages[reverse("showcase:posts")]
    assert "省级优秀共产党员" in pages[reverse("showcase:honours")]
    assert "攻坚克难的焊接团队" in pages[reverse("showcase:stories")]


def test_it_answers_404_for_unpublished_things(clients, world):
    visitor = clients["visitor"]
    assert visitor.get(reverse("showcase:project", args=[world["hidden"].pk])).status_code == 404
    assert visitor.get(reverse("showcase:story", args=[world["draft"].pk])).status_code == 404
    assert visitor.get(reverse("showcase:project", args=[999999])).status_code == 404
    assert visitor.get(reverse("showcase:branch", args=[999999])).status_code == 404


def test_it_serves_project_photos_of_published_projects_only(clients, world):
    shown = world["project"].attachments.get()
    hidden = world["hidden"].attachments.get()
    response = clients["visitor"].get(reverse("showcase:project_photo", args=[shown.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert clients["visitor"].get(reverse("showcase:project_photo", args=[hidden.pk])).status_code == 404


def test_it_refuses_documents_as_project_photos(clients, company, users, world):
    from projects import services as project_services

    document = project_services.attachment_add(
        project=world["project"], by=users["secretary_a"], upload=ss.pdf_upload()
    )
    assert clients["visitor"].get(reverse("showcase:project_photo", args=[document.pk])).status_code == 404


def test_it_hides_a_project_once_unpublished_even_from_the_cache(clients, users, world):
    visitor = clients["visitor"]
    url = reverse("showcase:gallery")
    assert world["project"].title in visitor.get(url).content.decode()
    assert world["project"].title in visitor.get(reverse("home")).content.decode()
    assert visitor.get(reverse("showcase:project", args=[world["project"].pk])).status_code == 200  # now cached

    showcase.project_set_public(project=world["project"], by=users["committee_admin"], public=False)

    assert world["project"].title not in visitor.get(url).content.decode()
    assert world["project"].title not in visitor.get(reverse("home")).content.decode()
    assert visitor.get(reverse("showcase:project", args=[world["project"].pk])).status_code == 404


def test_it_hides_revoked_honours(clients, users, world):
    honor_services.honor_revoke(honor=world["honor"], by=users["committee_admin"], reason="撤销")
    assert "省级优秀共产党员" not in clients["visitor"].get(reverse("showcase:honours")).content.decode()


def test_it_filters_the_gallery_by_category_and_year(clients, world):
    project = world["project"]
    visitor = clients["visitor"]
    hit = visitor.get(reverse("showcase:gallery"), {"category": project.category_id, "year": project.year})
    assert project.title in hit.content.decode()
    miss = visitor.get(reverse("showcase:gallery"), {"year": project.year - 1})
    assert project.title not in miss.content.decode()
    assert miss.context["page_obj"].paginator.count == 0


def test_it_shows_headline_figures(clients, world):
    figures = clients["visitor"].get(reverse("showcase:home")).context["figures"]
    assert (figures.projects, str(figures.value), figures.honors, figures.posts) == (
        1,
        "35.50",
        3,
        1,
    )  # two titled posts brought their honours


def test_it_sends_signed_in_users_from_the_root_to_the_workbench_but_opens_the_showcase(clients, world):
    assert clients["staff"].get(reverse("home"))["Location"] == reverse("workbench:home")
    response = clients["staff"].get(reverse("showcase:home"))
    assert response.status_code == 200
    assert reverse("workbench:home") in response.content.decode()


def _more_data(company, users, n):
    for i in range(n):
        mate = ss.MemberFactory(organization=company.branch_a)
        project = ss.published_project(company, users, title=f"项目{i}", team=[mate])
        ss.honour(company, users, title=f"荣誉{i}", member=mate)
        ss.story(company, users, title=f"事迹{i}", project=project)
        ss.published_post(company, users, name=f"示范岗{i}", leader=mate)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("showcase:home", 5),
        ("showcase:gallery", 5),
        ("showcase:project", 7),  # 6 + the fingerprint of the cache (visitors' project pages are cached)
        ("showcase:honours", 2),
        ("showcase:posts", 2),
        ("showcase:branch", 4),
        ("showcase:stories", 2),
        ("showcase:story", 1),
    ],
)
def test_it_runs_a_constant_number_of_queries(
    clients, company, users, world, django_assert_num_queries, name, expected
):
    args = {
        "showcase:project": [world["project"].pk],
        "showcase:branch": [company.branch_a.pk],
        "showcase:story": [world["story"].pk],
    }.get(name, [])
    url = reverse(name, args=args)
    for size in (0, 3):
        _more_data(company, users, size)
        ss.clear_cache()
        with django_assert_num_queries(expected):
            assert clients["visitor"].get(url).status_code == 200


@pytest.mark.parametrize("name", ["showcase:home", "showcase:gallery", "showcase:project"])
def test_it_serves_cached_pages_with_one_query(clients, world, django_assert_num_queries, name):
    visitor = clients["visitor"]
    url = reverse(name, args=[world["project"].pk] if name == "showcase:project" else [])
    first = visitor.get(url).content
    with django_assert_num_queries(1):  # the fingerprint of the published data
        again = visitor.get(url)
    assert again.status_code == 200
    assert again.content == first
