from django.http import HttpResponse


def _stub(request, pk=None):
    return HttpResponse("todo")


organization_list = organization_create = organization_detail = organization_edit = _stub
organization_deactivate = organization_history = _stub
member_list = member_create = member_detail = member_edit = member_deactivate = member_phone = member_history = _stub
