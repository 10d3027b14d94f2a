"""Branch secretary side of projects. (Stubs: being built.)"""

from django.http import HttpResponse


def _stub(request, pk=None):
    return HttpResponse("todo")


project_list = project_create = member_search = plan_list = plan_create = attachment_download = _stub
project_detail = project_edit = project_submit = project_print = report_create = result_create = _stub
completion_request = extension_request = attachment_upload = _stub
