"""Import pages (issue 7): choose an import and upload a file, read the dry run's report, confirm.

* ``index`` — a card per import the user's role may run (columns, template, upload) and the recent runs;
  a POST uploads a file and runs the dry run (``services.import_check``), then shows its report.
* ``template`` — the empty workbook of one import, with its header row and notes.
* ``report`` — what the file would create and update, and every error by sheet, row and column.
* ``apply`` — confirm a checked file (POST): ``services.import_apply``.

A run belongs to the person who uploaded it: another user's run is not found (404); the committee office
may read the runs of its scope, but only the uploader confirms one.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.permissions import can, require

from . import selectors, services
from .forms import ImportUploadForm
from .kinds import KINDS
from .models import RunStatus

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cards(kinds, *, selected: str, form: ImportUploadForm | None) -> list[dict]:
    cards = []
    for kind in kinds:
        bound = form is not None and form.data.get("kind") == kind.key
        cards.append(
            {
                "kind": kind,
                "columns": kind.columns,
                "form": form if bound else None,  # the bound form shows its errors on its own card
                "selected": kind.key == selected or bound,
            }
        )
    cards.sort(key=lambda card: not card["selected"])  # the import asked for comes first
    return cards


@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    require(request, "import.any")
    user = request.user
    kinds = selectors.importable_kinds(user)
    form = None
    if request.method == "POST":
        key = request.POST.get("kind", "")
        if key in KINDS:
            require(request, KINDS[key].permission)
        form = ImportUploadForm(request.POST, request.FILES, kinds=kinds)
        if form.is_valid():
            try:
                run = services.import_check(kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"], by=user)
            except ValidationError as error:
                form.add_error("file", error)
            else:
                return redirect("imports:report", run.pk)
    return render(
        request,
        "spreadsheets/index.html",
        {
            "cards": _cards(kinds, selected=request.GET.get("kind", ""), form=form),
            "form": form,
            "runs": selectors.recent_runs(user),
            "sees_others": can(user, "import.view_all"),
            "max_mb": services.max_file_bytes() // (1024 * 1024),
            "max_rows": services.max_rows(),
        },
        status=400 if form is not None and form.errors else 200,
    )


@require_GET
def template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404
    import_kind = KINDS[kind]
    require(request, import_kind.permission)
    from .templates import build_template

    response = HttpResponse(build_template(kind=kind), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{import_kind.sheet}导入模板.xlsx")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def report(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "import.any")
    run = get_object_or_404(selectors.visible_runs(request.user), pk=pk)
    shown = selectors.report(run)
    may_apply = (
        run.can_be_applied
        and run.user_id == request.user.pk
        and shown["kind"] is not None
        and can(request.user, shown["kind"].permission)
    )
    return render(request, "spreadsheets/report.html", {"run": run, **shown, "can_apply": may_apply})


@require_POST
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "import.any")
    run = get_object_or_404(selectors.own_runs(request.user), pk=pk)
    if run.kind in KINDS:
        require(request, KINDS[run.kind].permission)
    try:
        run = services.import_apply(run=run, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if run.status == RunStatus.APPLIED:
            messages.success(request, _("The file has been imported."))
        else:
            messages.error(
                request, _("The import found errors this time, so nothing was imported. See the list below.")
            )
    return redirect("imports:report", run.pk)
