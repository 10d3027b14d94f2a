"""The public showcase (no login: ``portal.views.public``) and the committee office's story editor and
publish buttons. Public pages show published things only; anything else is 404."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from honors.models import DemonstrationPost, Honor
from portal.downloads import stored_file_response
from portal.permissions import can, require, scope_q, scoped_stories
from portal.views import public
from projects.models import Attachment, AttachmentKind, Project

from . import selectors, services
from .forms import GalleryFilter, StoryForm, StoryImageForm
from .models import StoryImage

CACHE_SECONDS = 300
IMAGE_MAX_AGE = 3600
STORY_PAGE = 12
POST_PAGE = 24


def statistics_url() -> str | None:
    """The public statistics page, once it exists (another part of issue 6 builds it)."""
    try:
        return reverse("statistics:public")
    except NoReverseMatch:
        return None


def _render(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    context.setdefault("statistics_url", statistics_url())
    return render(request, template, context, status=status)


def _cached(request: HttpRequest, page: str, build) -> HttpResponse:
    """Serve a visitor's page from the cache; the key holds the published data's fingerprint, so a
    publish, unpublish or edit shows at once. Signed-in users get a fresh page (their navbar differs)."""
    if request.user.is_authenticated:
        return build()
    query = hashlib.sha256(request.GET.urlencode().encode()).hexdigest()[:16]
    state = hashlib.sha256(selectors.fingerprint().encode()).hexdigest()[:32]
    key = f"showcase:{page}:{get_language()}:{query}:{state}"
    content = cache.get(key)
    if content is not None:
        return HttpResponse(content)
    response = build()
    if response.status_code == 200:
        cache.set(key, response.content, CACHE_SECONDS)
    return response


# --- public pages ---------------------------------------------------------------------------------------


def render_home(request: HttpRequest) -> HttpResponse:
    def build() -> HttpResponse:
        return _render(
            request,
            "showcase/home.html",
            {
                "figures": selectors.headline_figures(),
                "featured": selectors.featured_projects(),
                "honors": selectors.latest_honors(),
                "stories": selectors.latest_stories(),
                "nav": "home",
            },
        )

    return _cached(request, "home", build)


@public
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render_home(request)


@public
@require_GET
def gallery(request: HttpRequest) -> HttpResponse:
    form = GalleryFilter(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    category, year = filters.get("category"), filters.get("year")

    def build() -> HttpResponse:
        page = Paginator(selectors.gallery(category=category, year=year), selectors.GALLERY_PAGE).get_page(
            filters.get("page") or 1
        )
        categories, years = selectors.gallery_choices()
        query = "&".join(f"{k}={v}" for k, v in (("category", category), ("year", year)) if v)
        return _render(
            request,
            "showcase/gallery.html",
            {
                "page_obj": page,
                "categories": categories,
                "years": years,
                "category": category,
                "year": year,
                "query": query,
                "nav": "projects",
            },
        )

    return _cached(request, "gallery", build)


@public
@require_GET
def project(request: HttpRequest, pk: int) -> HttpResponse:
    def build() -> HttpResponse:
        page = selectors.project_page(pk)
        if page is None:
            raise Http404(_("No such project on the showcase."))
        return _render(request, "showcase/project.html", {"page": page, "project": page.project, "nav": "projects"})

    return _cached(request, f"project:{int(pk)}", build)


def _image_response(file_field, content_type: str, *, public_ok: bool) -> FileResponse:
    response = stored_file_response(file_field, as_attachment=False, content_type=content_type)
    if public_ok:
        response["Cache-Control"] = f"public, max-age={IMAGE_MAX_AGE}"
    return response


@public
@require_GET
def project_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """A photo of a published project (only photos, only of published projects)."""
    attachment = get_object_or_404(
        Attachment.objects.filter(
            kind=AttachmentKind.PHOTO, is_active=True, project__in=selectors.public_projects()
        ).only("file", "content_type"),
        pk=pk,
    )
    return _image_response(attachment.file, attachment.content_type, public_ok=True)


@public
@require_GET
def honours(request: HttpRequest) -> HttpResponse:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = None
    years, year, groups = selectors.honours_roll(year=year)
    return _render(request, "showcase/honours.html", {"years": years, "year": year, "groups": groups, "nav": "honours"})


@public
@require_GET
def posts(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.post_rows(), POST_PAGE).get_page(request.GET.get("page"))
    return _render(request, "showcase/posts.html", {"page_obj": page, "nav": "posts"})


@public
@require_GET
def branch(request: HttpRequest, pk: int) -> HttpResponse:
    page = selectors.branch_page(pk)
    if page is None:
        raise Http404(_("No such organization."))
    return _render(request, "showcase/branch.html", {"page": page, "nav": "projects"})


@public
@require_GET
def stories(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.story_rows(), STORY_PAGE).get_page(request.GET.get("page"))
    return _render(request, "showcase/stories.html", {"page_obj": page, "nav": "stories"})


@public
@require_GET
def story(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.story_page(pk)
    if found is None:
        raise Http404(_("No such story on the showcase."))
    return _render(
        request,
        "showcase/story.html",
        {
            "story": found,
            "project_public": selectors.project_is_public(found.project),
            "post_public": selectors.post_is_public(found.post),
            "nav": "stories",
        },
    )


def _story_image(request: HttpRequest, pk: int) -> tuple[StoryImage, bool]:
    image = get_object_or_404(StoryImage.objects.select_related("story__organization"), pk=pk)
    if image.story.is_published:
        return image, True
    if request.user.is_authenticated and can(request.user, "story.edit", image.story):
        return image, False
    raise Http404(_("No such image."))


@public
@require_GET
def image(request: HttpRequest, pk: int) -> HttpResponse:
    found, published = _story_image(request, pk)
    return _image_response(found.image, found.content_type, public_ok=published)


@public
@require_GET
def image_thumb(request: HttpRequest, pk: int) -> HttpResponse:
    found, published = _story_image(request, pk)
    return _image_response(found.thumbnail, "image/jpeg", public_ok=published)


# --- the committee office: stories --------------------------------------------------------------------


@require_GET
def story_list(request: HttpRequest) -> HttpResponse:
    require(request, "story.manage")
    rows = scoped_stories(request.user).select_related("organization").order_by("is_published", "-updated_at")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "showcase/manage/story_list.html", {"page_obj": page})


@require_http_methods(["GET", "POST"])
def story_create(request: HttpRequest) -> HttpResponse:
    require(request, "story.manage")
    form = StoryForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        require(request, "story.edit", form.cleaned_data["organization"])
        created = services.story_create(by=request.user, data=form.story_data())
        messages.success(request, _("Story saved as a draft. Add images, then publish it."))
        return redirect("showcase:story_edit", created.pk)
    return render(request, "showcase/manage/story_form.html", {"form": form, "story": None})


def _managed_story(request: HttpRequest, pk: int):
    require(request, "story.manage")
    found = get_object_or_404(scoped_stories(request.user).select_related("organization"), pk=pk)
    require(request, "story.edit", found)
    return found


@require_http_methods(["GET", "POST"])
def story_edit(request: HttpRequest, pk: int) -> HttpResponse:
    found = _managed_story(request, pk)
    form = StoryForm(request.POST or None, instance=found, user=request.user)
    if request.method == "POST" and form.is_valid():
        require(request, "story.edit", form.cleaned_data["organization"])
        try:
            services.story_update(story=found, by=request.user, data=form.story_data())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Story saved."))
            return redirect("showcase:story_edit", found.pk)
    return render(
        request,
        "showcase/manage/story_form.html",
        {"form": form, "story": found, "images": found.images.all(), "image_form": StoryImageForm()},
    )


@require_POST
def story_publish(request: HttpRequest, pk: int) -> HttpResponse:
    found = _managed_story(request, pk)
    publish = request.POST.get("public") == "1"
    try:
        services.story_publish(story=found, by=request.user, publish=publish)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Story published.") if publish else _("Story withdrawn from the showcase."))
    return redirect("showcase:story_edit", found.pk)


@require_POST
def story_image_upload(request: HttpRequest, pk: int) -> HttpResponse:
    found = _managed_story(request, pk)
    form = StoryImageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.story_image_add(
                story=found, by=request.user, upload=form.cleaned_data["file"], as_cover=form.cleaned_data["as_cover"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Image uploaded; insert it into the text with the toolbar."))
    else:
        messages.error(request, _("Choose an image to upload."))
    return redirect("showcase:story_edit", found.pk)


# --- the committee office: publishing projects, posts and honours ------------------------------------


def _publish(request: HttpRequest, *, queryset, pk: int, service, back: str, published: str, withdrawn: str):
    require(request, "showcase.publish_any")
    obj = get_object_or_404(queryset.filter(scope_q(request.user)), pk=pk)
    require(request, "showcase.publish", obj)
    public_now = request.POST.get("public") == "1"
    try:
        service(obj, by=request.user, public=public_now)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, published if public_now else withdrawn)
    return redirect(back, obj.pk)


@require_POST
def project_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _publish(
        request,
        queryset=Project.objects.select_related("organization"),
        pk=pk,
        service=lambda obj, **kw: services.project_set_public(project=obj, **kw),
        back="projects:detail",
        published=_("The project is shown on the public showcase."),
        withdrawn=_("The project is no longer shown on the public showcase."),
    )


@require_POST
def post_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _publish(
        request,
        queryset=DemonstrationPost.objects.select_related("organization"),
        pk=pk,
        service=lambda obj, **kw: services.post_set_public(post=obj, **kw),
        back="honors:post_detail",
        published=_("The post is shown on the public showcase."),
        withdrawn=_("The post is no longer shown on the public showcase."),
    )


@require_POST
def honor_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _publish(
        request,
        queryset=Honor.objects.select_related("organization"),
        pk=pk,
        service=lambda obj, **kw: services.honor_set_public(honor=obj, **kw),
        back="honors:honor_detail",
        published=_("The honour is shown on the public showcase."),
        withdrawn=_("The honour is no longer shown on the public showcase."),
    )
