"""Stub: filled in by its owner (see honors/urls.py)."""

from django.http import Http404


def py(request, pk=None):
    raise Http404


def post_list(request, pk=None):
    raise Http404


def post_create(request, pk=None):
    raise Http404


def post_export(request, pk=None):
    raise Http404


def photo_download(request, pk=None):
    raise Http404


def post_detail(request, pk=None):
    raise Http404


def post_edit(request, pk=None):
    raise Http404


def post_decide(request, pk=None):
    raise Http404


def post_assess(request, pk=None):
    raise Http404


def activity_create(request, pk=None):
    raise Http404
