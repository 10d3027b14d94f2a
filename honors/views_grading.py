"""Stub: filled in by its owner (see honors/urls.py)."""

from django.http import Http404


def py(request, pk=None):
    raise Http404


def grade_list(request, pk=None):
    raise Http404


def grade_edit(request, pk=None):
    raise Http404


def liaison_create(request, pk=None):
    raise Http404


def liaison_end(request, pk=None):
    raise Http404
