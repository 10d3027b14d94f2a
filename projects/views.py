from django.http import HttpResponse


def project_list(request):
    return HttpResponse("todo")


def project_detail(request, pk):
    return HttpResponse("todo")
