from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.permissions import require

from .selectors import workbench_for


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    require(request, "workbench.view")
    return render(request, "workbench/home.html", {"wb": workbench_for(request.user)})
