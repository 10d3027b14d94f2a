"""Reviewer and committee side of projects. (Stubs: being built.)"""

from django.http import HttpResponse


def _stub(request, pk=None):
    return HttpResponse("todo")


review_queue = publicity = objection_resolve = extension_decide = application_decide = _stub
objection_create = completion_decide = evaluate = terminate = _stub
