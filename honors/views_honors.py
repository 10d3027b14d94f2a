"""Stub: filled in by its owner (see honors/urls.py)."""

from django.http import Http404


def py(request, pk=None):
    raise Http404


def honor_list(request, pk=None):
    raise Http404


def honor_create(request, pk=None):
    raise Http404


def honor_export(request, pk=None):
    raise Http404


def honor_detail(request, pk=None):
    raise Http404


def honor_revoke(request, pk=None):
    raise Http404


def certificate_download(request, pk=None):
    raise Http404
