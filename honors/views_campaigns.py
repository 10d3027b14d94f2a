"""Award campaigns in the portal (评选表彰, WORKFLOWS.md §4): campaigns, awards on offer, nominations, judging,
winners. Thin: parse, authorize, call a service or selector, render.

Authorization order: the role-level action first (403 and an audit row), then the campaign, offer or nomination
through the user's scoped queryset (out of scope is 404), then the object-level action.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from branches.models import Member, Organization
from portal.audit.log import record
from portal.audit.models import Event
from portal.downloads import stored_file_response
from portal.exceptions import ConflictError
from portal.permissions import can, require, scoped_campaigns, scoped_nominations
from projects.forms import apply_validation_error

from . import selectors, services
from .forms_campaigns import (
    BranchQuotaForm,
    CampaignForm,
    JudgementForm,
    NominationForm,
    OfferForm,
    candidate_label,
    judgement_initial,
)
from .models import (
    Campaign,
    CampaignAward,
    CampaignStatus,
    DemonstrationPost,
    Judgement,
    Nomination,
    NominationEvidence,
    NominationStatus,
    RecipientKind,
)
from .workflow import CAMPAIGN_TRANSITIONS, TransitionError, available_campaign_actions

PAGE_SIZE = 25
ACTIVE_STATUSES = [NominationStatus.NOMINATED, NominationStatus.WINNER, NominationStatus.NOT_SELECTED]


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(str(m) for m in exc.messages)
    return str(getattr(exc, "message", exc))


def _campaign(request: HttpRequest, pk: int, role_action: str = "campaign.list") -> Campaign:
    require(request, role_action)
    campaign = get_object_or_404(scoped_campaigns(request.user).select_related("organization"), pk=pk)
    require(request, "campaign.view", campaign)
    return campaign


def _managed_campaign(request: HttpRequest, pk: int) -> Campaign:
    campaign = _campaign(request, pk, "campaign.manage_any")
    require(request, "campaign.manage", campaign)
    return campaign


def _offer(request: HttpRequest, pk: int) -> CampaignAward:
    """An award on offer of a campaign the committee office runs (role-level manage first)."""
    require(request, "campaign.manage_any")
    offer = get_object_or_404(
        CampaignAward.objects.filter(campaign__in=scoped_campaigns(request.user)).select_related(
            "campaign__organization", "award__rubric"
        ),
        pk=pk,
    )
    require(request, "campaign.manage", offer.campaign)
    return offer


def _nomination(request: HttpRequest, pk: int, role_action: str = "campaign.list") -> Nomination:
    require(request, role_action)
    nomination = get_object_or_404(
        selectors.nominations_with_people(scoped_nominations(request.user)).select_related(
            "offer__campaign__organization", "offer__award__rubric", "nominated_by"
        ),
        pk=pk,
    )
    require(request, "nomination.view", nomination)
    return nomination


def _is_judge(campaign: Campaign, user) -> bool:
    return can(user, "campaign.judge_any") and campaign.judges.filter(pk=user.pk).exists()


# --- list ---------------------------------------------------------------------------------------------------


@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    require(request, "campaign.list")
    user = request.user
    judges = Campaign.judges.through.objects.filter(campaign_id=OuterRef("pk"), user_id=user.pk)
    campaigns = (
        scoped_campaigns(user)
        .select_related("organization")
        .annotate(
            n_nominated=Count("offers__nominations", filter=Q(offers__nominations__status__in=ACTIVE_STATUSES)),
            n_awarded=Count("offers__nominations", filter=Q(offers__nominations__status=NominationStatus.WINNER)),
            is_judge=Exists(judges),
        )
        .order_by("-year", "-quarter", "-id")
    )
    status = request.GET.get("status", "")
    if status in CampaignStatus.values:
        campaigns = campaigns.filter(status=status)
    else:
        status = ""
    year = request.GET.get("year", "")
    if year.isdigit() and len(year) == 4:
        campaigns = campaigns.filter(year=int(year))
    else:
        year = ""
    page = Paginator(campaigns, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "honors/campaigns/list.html",
        {
            "page": page,
            "statuses": CampaignStatus.choices,
            "status": status,
            "year": year,
            "can_create": can(user, "campaign.manage_any"),
            "can_nominate": can(user, "nomination.create_any"),
            "can_judge": can(user, "campaign.judge_any"),
        },
    )


# --- create and edit ----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    require(request, "campaign.manage_any")
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(
                by=request.user, data=form.campaign_data(), judges=form.cleaned_data["judges"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except TransitionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("The campaign “%(name)s” has been created as a draft. Put awards on offer, then open nominations.")
                % {"name": campaign.name},
            )
            return redirect("honors:campaign_detail", pk=campaign.pk)
    return render(request, "honors/campaigns/form.html", {"form": form, "campaign": None})


@require_http_methods(["GET", "POST"])
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    form = CampaignForm(request.POST or None, user=request.user, instance=campaign)
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(
                campaign=campaign,
                by=request.user,
                data=form.campaign_data(),
                judges=form.cleaned_data["judges"],
                version=form.cleaned_data.get("version"),
            )
        except ConflictError as exc:
            conflict = True
            form.add_error(None, str(exc.message))
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except TransitionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The campaign has been saved."))
            return redirect("honors:campaign_detail", pk=campaign.pk)
    return render(
        request,
        "honors/campaigns/form.html",
        {"form": form, "campaign": campaign, "conflict": conflict},
        status=409 if conflict else 200,
    )


# --- the campaign page --------------------------------------------------------------------------------------


@require_GET
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    user = request.user
    manage = can(user, "campaign.manage", campaign)
    nominations = selectors.nominations_with_people(scoped_nominations(user).filter(offer__campaign=campaign)).order_by(
        "offer__award__name", "organization__path", "id"
    )
    is_secretary = can(user, "nomination.create_any")
    branch = user.scope if is_secretary else None
    published = campaign.status in (CampaignStatus.PUBLICITY, CampaignStatus.AWARDED)
    winners = []
    if published:
        winners = list(
            selectors.nominations_with_people(
                Nomination.objects.filter(offer__campaign=campaign, status=NominationStatus.WINNER)
            ).order_by(
                "offer__award__recipient_kind", "offer__award__name", "-is_top_grade", "organization__path", "id"
            )
        )
    return render(
        request,
        "honors/campaigns/detail.html",
        {
            "campaign": campaign,
            "offers": list(selectors.campaign_offers(campaign)),
            "figures": selectors.campaign_figures(campaign),
            "branch_table": selectors.campaign_branch_table(campaign),
            "judges": list(campaign.judges.select_related("scope").order_by("full_name", "username")),
            "transitions": list(campaign.transitions.select_related("by")),
            "nominations": list(nominations),
            "winners": winners,
            "published": published,
            "can_manage": manage,
            "can_edit": manage and not published,
            "can_edit_offers": manage and campaign.status == CampaignStatus.DRAFT,
            "can_select_winners": manage and campaign.status == CampaignStatus.JUDGING,
            "actions": available_campaign_actions(campaign, user) if manage else [],
            "is_secretary": is_secretary,
            "usage": selectors.branch_quota_usage(campaign, branch) if branch is not None else [],
            "window_open": campaign.window_is_open(),
            "may_withdraw": is_secretary and campaign.status == CampaignStatus.NOMINATING,
            "is_judge": campaign.status == CampaignStatus.JUDGING and _is_judge(campaign, user),
        },
    )


@require_POST
def campaign_transition(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    action = request.POST.get("action", "")
    if action not in CAMPAIGN_TRANSITIONS:
        messages.error(request, _("Unknown action."))
        return redirect("honors:campaign_detail", pk=campaign.pk)
    try:
        done = services.campaign_transition(
            campaign=campaign, action=action, by=request.user, comment=request.POST.get("comment", "")
        )
    except (TransitionError, ValidationError) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("The campaign is now “%(status)s”.") % {"status": done.get_status_display()})
    return redirect("honors:campaign_detail", pk=campaign.pk)


# --- awards on offer ----------------------------------------------------------------------------------------


def _offer_data(form: OfferForm) -> dict:
    data = form.cleaned_data
    return {
        "quota": data["quota"],
        "branch_quota": data["branch_quota"],
        "top_grade_label": data.get("top_grade_label") or "",
        "top_grade_cap_percent": data.get("top_grade_cap_percent"),
    }


@require_http_methods(["GET", "POST"])
def offer_create(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    if campaign.status != CampaignStatus.DRAFT:
        messages.warning(request, _("Awards and quotas are set while the campaign is a draft."))
        return redirect("honors:campaign_detail", pk=campaign.pk)
    form = OfferForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            offer = services.offer_save(
                campaign=campaign, by=request.user, award=form.cleaned_data["award"], **_offer_data(form)
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except TransitionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("“%(award)s” is on offer.") % {"award": offer.award.name})
            return redirect("honors:campaign_detail", pk=campaign.pk)
    return render(request, "honors/campaigns/offer_form.html", {"form": form, "campaign": campaign, "offer": None})


@require_http_methods(["GET", "POST"])
def offer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _offer(request, pk)
    campaign = offer.campaign
    if campaign.status != CampaignStatus.DRAFT:
        messages.warning(request, _("Awards and quotas are set while the campaign is a draft."))
        return redirect("honors:campaign_detail", pk=campaign.pk)
    posted = request.POST if request.method == "POST" else None
    which = request.POST.get("form", "offer") if posted is not None else ""
    form = OfferForm(posted if which == "offer" else None, campaign=campaign, offer=offer)
    quota_form = BranchQuotaForm(posted if which == "branch_quota" else None, campaign=campaign)
    if which == "offer" and form.is_valid():
        try:
            services.offer_save(campaign=campaign, by=request.user, award=offer.award, **_offer_data(form))
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except TransitionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("“%(award)s” has been saved.") % {"award": offer.award.name})
            return redirect("honors:campaign_detail", pk=campaign.pk)
    elif which == "branch_quota" and quota_form.is_valid():
        try:
            services.branch_quota_set(
                offer=offer,
                by=request.user,
                organization=quota_form.cleaned_data["organization"],
                quota=quota_form.cleaned_data["quota"],
            )
        except ValidationError as exc:
            apply_validation_error(quota_form, exc)
        except TransitionError as exc:
            quota_form.add_error(None, exc.message)
        else:
            messages.success(request, _("The branch's quota has been saved."))
            return redirect("honors:offer_edit", pk=offer.pk)
    overrides = list(offer.branch_quotas.select_related("organization").order_by("organization__path"))
    return render(
        request,
        "honors/campaigns/offer_form.html",
        {"form": form, "quota_form": quota_form, "campaign": campaign, "offer": offer, "overrides": overrides},
    )


@require_POST
def offer_remove(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _offer(request, pk)
    campaign = offer.campaign
    name = offer.award.name
    try:
        services.offer_remove(offer=offer, by=request.user)
    except (TransitionError, ValidationError) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("“%(award)s” is no longer on offer.") % {"award": name})
    return redirect("honors:campaign_detail", pk=campaign.pk)


# --- nominating ---------------------------------------------------------------------------------------------

CANDIDATE_MODELS = {
    RecipientKind.MEMBER: Member,
    RecipientKind.BRANCH: Organization,
    RecipientKind.POST: DemonstrationPost,
}


def _candidate_model(kind: str):
    if kind == RecipientKind.PROJECT:
        from projects.models import Project

        return Project
    return CANDIDATE_MODELS[kind]


def _candidate_choices(offer: CampaignAward | None, branch: Organization) -> list[tuple[int, str]]:
    if offer is None:
        return []
    kind = offer.award.recipient_kind
    candidates = selectors.candidates_for(offer, branch)
    if kind != RecipientKind.BRANCH:
        candidates = candidates.select_related("organization")
    order = {RecipientKind.PROJECT: "title", RecipientKind.BRANCH: "path"}.get(kind, "name")
    return [(c.pk, candidate_label(c, kind)) for c in candidates.order_by(order, "pk")]


def _nominating_branch(request: HttpRequest) -> Organization:
    """A secretary nominates for the branch of their scope."""
    branch = request.user.scope
    require(request, "nomination.create", branch)
    return branch


def _offer_of(campaign: Campaign, raw) -> CampaignAward | None:
    if raw is None or not str(raw).isdigit():
        return None
    return campaign.offers.select_related("award").filter(pk=int(raw)).first()


@require_http_methods(["GET", "POST"])
def nominate(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "nomination.create_any")
    campaign = _campaign(request, pk)
    branch = _nominating_branch(request)
    form = NominationForm(request.POST or None, request.FILES or None, campaign=campaign)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        offer = form.cleaned_data["offer"]
        model = _candidate_model(offer.award.recipient_kind)
        candidate = model.objects.filter(pk=form.cleaned_data["candidate"]).first()
        if candidate is None:
            form.add_error("candidate", _("Choose a candidate from the list."))
        else:
            try:
                nomination = services.nomination_create(
                    offer=offer,
                    by=request.user,
                    organization=branch,
                    candidate=candidate,
                    citation=form.cleaned_data["citation"],
                    evidence=form.cleaned_data["evidence"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            except TransitionError as exc:
                refusal = exc.message
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("%(candidate)s has been nominated for “%(award)s”.")
                    % {"candidate": candidate_label(candidate, offer.award.recipient_kind), "award": offer.award.name},
                )
                return redirect("honors:nomination_detail", pk=nomination.pk)
    chosen = _offer_of(campaign, request.POST.get("offer") if request.method == "POST" else request.GET.get("offer"))
    usage = selectors.branch_quota_usage(campaign, branch)
    left = {row["offer"].pk: row["left"] for row in usage}
    if chosen is None or not left.get(chosen.pk):
        # nothing chosen, or the chosen award has no place left (e.g. a refusal just used it up): its option is
        # disabled and would post nothing, so preselect the first award that still has places (or none)
        chosen = next((row["offer"] for row in usage if row["left"] > 0), None)
    posted_candidate = request.POST.get("candidate", "") if request.method == "POST" else ""
    return render(
        request,
        "honors/campaigns/nominate.html",
        {
            "campaign": campaign,
            "branch": branch,
            "form": form,
            "usage": usage,
            "chosen": chosen,
            "candidates": _candidate_choices(chosen, branch),
            "selected_candidate": posted_candidate,
            "window_open": campaign.window_is_open(),
            "refusal": refusal,
        },
    )


@require_GET
def candidate_search(request: HttpRequest, pk: int) -> HttpResponse:
    """The candidate <option>s for one award on offer (htmx: the award select reloads them)."""
    require(request, "nomination.create_any")
    campaign = _campaign(request, pk)
    branch = _nominating_branch(request)
    offer = _offer_of(campaign, request.GET.get("offer"))
    return render(
        request,
        "honors/campaigns/_candidate_options.html",
        {"candidates": _candidate_choices(offer, branch), "offer": offer},
    )


@require_POST
def nomination_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = _nomination(request, pk, "nomination.create_any")
    require(request, "nomination.withdraw", nomination)
    try:
        services.nomination_withdraw(nomination=nomination, by=request.user)
    except (TransitionError, ValidationError) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("The nomination has been withdrawn; the place is free again."))
    return redirect("honors:campaign_detail", pk=nomination.offer.campaign_id)


# --- a nomination -------------------------------------------------------------------------------------------


@require_GET
def nomination_detail(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = _nomination(request, pk)
    user = request.user
    campaign = nomination.offer.campaign
    manage = can(user, "campaign.manage", campaign)
    judge = _is_judge(campaign, user)
    judgements: list[Judgement] = []
    if manage or judge:
        judgements = list(
            nomination.judgements.select_related("judge").prefetch_related("scores__criterion").order_by("judge_id")
        )
        if not manage:
            judgements = [j for j in judgements if j.judge_id == user.pk]
    recused = judge and services.judge_recused(judge=user, nomination=nomination)
    return render(
        request,
        "honors/campaigns/nomination_detail.html",
        {
            "nomination": nomination,
            "campaign": campaign,
            "evidence": list(nomination.evidence.all()),
            "judgements": judgements,
            "show_judgements": manage or judge,
            "manage": manage,
            "can_withdraw": can(user, "nomination.withdraw", nomination)
            and campaign.status == CampaignStatus.NOMINATING
            and nomination.status == NominationStatus.NOMINATED,
            "can_judge": judge
            and not recused
            and campaign.status == CampaignStatus.JUDGING
            and nomination.status != NominationStatus.WITHDRAWN,
            "recused": recused,
        },
    )


@require_GET
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Evidence is served only through this view, to users who may see the nomination."""
    require(request, "campaign.list")
    evidence = get_object_or_404(
        NominationEvidence.objects.filter(nomination__in=scoped_nominations(request.user)).select_related(
            "nomination__organization"
        ),
        pk=pk,
    )
    require(request, "nomination.view", evidence.nomination)
    response = stored_file_response(
        evidence.file, as_attachment=True, filename=evidence.original_name, content_type=evidence.content_type
    )
    record(
        event=Event.EXPORT,
        user=request.user,
        obj=evidence.nomination,
        detail={"evidence": evidence.pk, "nomination": evidence.nomination_id},
    )
    return response


# --- judging ------------------------------------------------------------------------------------------------


def _audit_denied(request: HttpRequest, obj, action: str) -> None:
    from portal.audit.models import Result

    record(
        event=Event.ACCESS_DENIED,
        user=request.user,
        obj=obj,
        result=Result.DENIED,
        detail={"action": action, "path": request.path[:200], "method": request.method},
    )


@require_GET
def judge(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk, "campaign.judge_any")
    user = request.user
    if not campaign.judges.filter(pk=user.pk).exists():
        _audit_denied(request, campaign, "campaign.judge")
        return render(request, "honors/campaigns/not_judge.html", {"campaign": campaign}, status=403)
    rows = [
        {"nomination": n, "recused": services.judge_recused(judge=user, nomination=n)}
        for n in selectors.judge_queue(campaign, user)
    ]
    return render(
        request,
        "honors/campaigns/judge.html",
        {
            "campaign": campaign,
            "rows": rows,
            "judging": campaign.status == CampaignStatus.JUDGING,
            "done": sum(1 for r in rows if r["nomination"].judged_by_me),
            "to_judge": sum(1 for r in rows if not r["recused"]),
        },
    )


@require_http_methods(["GET", "POST"])
def nomination_judge(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = _nomination(request, pk, "campaign.judge_any")
    user = request.user
    campaign = nomination.offer.campaign
    if not campaign.judges.filter(pk=user.pk).exists():
        _audit_denied(request, campaign, "campaign.judge")
        return render(request, "honors/campaigns/not_judge.html", {"campaign": campaign}, status=403)
    rubric = nomination.offer.award.rubric
    criteria = list(rubric.criteria.all()) if rubric is not None else []
    mine = nomination.judgements.filter(judge=user).prefetch_related("scores").first()
    recused = services.judge_recused(judge=user, nomination=nomination)
    judging = campaign.status == CampaignStatus.JUDGING and nomination.status != NominationStatus.WITHDRAWN
    form = JudgementForm(request.POST or None, criteria=criteria, initial=judgement_initial(mine))
    if request.method == "POST" and form.is_valid():
        try:
            services.judgement_save(
                nomination=nomination,
                judge=user,
                scores=form.scores() if criteria else None,
                vote=form.vote(),
                comments=form.cleaned_data["comments"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except TransitionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("Your judgement of %(candidate)s has been saved.") % {"candidate": nomination.candidate}
            )
            return redirect("honors:judge", pk=campaign.pk)
    return render(
        request,
        "honors/campaigns/judgement_form.html",
        {
            "nomination": nomination,
            "campaign": campaign,
            "form": form,
            "rubric": rubric,
            "criteria": criteria,
            "full_mark": sum((c.max_score for c in criteria), 0),
            "mine": mine,
            "recused": recused,
            "judging": judging,
            "evidence": list(nomination.evidence.all()),
        },
    )


# --- winners ------------------------------------------------------------------------------------------------


def _ids(values: list[str]) -> list[int] | None:
    try:
        return [int(v) for v in values]
    except (TypeError, ValueError):
        return None


@require_http_methods(["GET", "POST"])
def winners(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _offer(request, pk)
    campaign = offer.campaign
    judging = campaign.status == CampaignStatus.JUDGING
    errors: list[str] = []
    ranking = list(selectors.ranking(offer))
    chosen = {n.pk for n in ranking if n.status == NominationStatus.WINNER}
    top = {n.pk for n in ranking if n.is_top_grade}
    if request.method == "POST":
        winner_ids, top_ids = _ids(request.POST.getlist("winners")), _ids(request.POST.getlist("top"))
        if winner_ids is None or top_ids is None:
            errors.append(_("The selection is not valid. Reload the page."))
        else:
            chosen, top = set(winner_ids), set(top_ids)
            try:
                services.winners_select(offer=offer, by=request.user, winner_ids=winner_ids, top_ids=top_ids)
            except (TransitionError, ValidationError) as exc:
                errors.append(_error_text(exc))
            else:
                messages.success(
                    request,
                    _("%(n)s winners of “%(award)s” have been selected.")
                    % {"n": len(set(winner_ids)), "award": offer.award.name},
                )
                return redirect("honors:winners", pk=offer.pk)
    return render(
        request,
        "honors/campaigns/winners.html",
        {
            "offer": offer,
            "campaign": campaign,
            "ranking": ranking,
            "chosen": chosen,
            "top": top,
            "scored": offer.award.rubric_id is not None,
            "judges": campaign.judges.count(),
            "judging": judging,
            "errors": errors,
        },
    )
