"""Review rounds in the portal. (Stubs: being built.)"""

from django.http import HttpResponse


def _stub(request, pk=None, org_pk=None):
    return HttpResponse("todo")


round_list = round_create = round_detail = round_items = round_transition = round_export = round_branch = _stub
check_detail = finding_create = finding_answer = finding_confirm = project_history = _stub
