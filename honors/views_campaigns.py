"""Stub: filled in by its owner (see honors/urls.py)."""

from django.http import Http404


def py(request, pk=None):
    raise Http404


def campaign_list(request, pk=None):
    raise Http404


def campaign_create(request, pk=None):
    raise Http404


def campaign_detail(request, pk=None):
    raise Http404


def campaign_edit(request, pk=None):
    raise Http404


def campaign_transition(request, pk=None):
    raise Http404


def offer_create(request, pk=None):
    raise Http404


def nominate(request, pk=None):
    raise Http404


def candidate_search(request, pk=None):
    raise Http404


def judge(request, pk=None):
    raise Http404


def offer_edit(request, pk=None):
    raise Http404


def offer_remove(request, pk=None):
    raise Http404


def winners(request, pk=None):
    raise Http404


def nomination_detail(request, pk=None):
    raise Http404


def nomination_withdraw(request, pk=None):
    raise Http404


def nomination_judge(request, pk=None):
    raise Http404


def evidence_download(request, pk=None):
    raise Http404
