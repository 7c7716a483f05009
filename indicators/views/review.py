"""Completeness, approval, figure history and targets. Thin: access through the selectors
(which ask `accounts.access`), one service per action, render or redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.access import SignedInRequest
from indicators import selectors, services
from indicators.models import ChangeChannel
from indicators.resources import FigureChangeResource
from indicators.review_forms import ApproveForm, ClubSharingForm, ReturnForm, TargetForm

from .queued import says_if_work_waits


@login_required
def review_choose(request: SignedInRequest, slug: str) -> HttpResponse:
    authority, periods = selectors.review_periods(request.user, slug, timezone.localdate())
    return render(
        request, "indicators/review/choose.html", {"authority": authority, "periods": periods}
    )


@login_required
def review(request: SignedInRequest, slug: str, period: str) -> HttpResponse:
    page = selectors.completeness_page(request.user, slug, period)
    return render(request, "indicators/review/period.html", {"page": page})


def _back_to_review(slug: str, period: str) -> HttpResponse:
    return redirect(reverse("review", kwargs={"slug": slug, "period": period}))


@login_required
@require_POST
@says_if_work_waits()
def review_approve(request: SignedInRequest, slug: str, period: str) -> HttpResponse:
    authority, the_period = selectors.approval_scope(request.user, slug, period)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for error in form.non_field_errors()))
        return _back_to_review(slug, period)
    ids = None if form.cleaned_data["all_submitted"] else [form.cleaned_data["figure"]]
    figures = selectors.figures_for_review(authority, the_period, ids)
    version = form.cleaned_data.get("version")
    try:
        approved = services.figures_approve(
            user=request.user,
            figures=figures,
            # The version the manager saw: a figure changed since is not approved unseen.
            seen_versions={ids[0]: version} if ids and version is not None else None,
        )
    except services.StaleFigureError as stale:
        messages.error(
            request,
            f"{stale.current.indicator.title} changed after you opened this page: check it "
            "and approve it again.",
        )
        return _back_to_review(slug, period)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
        return _back_to_review(slug, period)
    messages.success(
        request,
        f"Approved {len(approved)} figure{'s' if len(approved) != 1 else ''} for "
        f"{the_period.label}.",
    )
    return _back_to_review(slug, period)


@login_required
@require_POST
@says_if_work_waits()
def review_release(request: SignedInRequest, slug: str, period: str) -> HttpResponse:
    authority = selectors.club_scope(request.user, slug)
    the_period = selectors.period_for(period)
    try:
        result = services.figures_release(user=request.user, authority=authority, period=the_period)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
        return _back_to_review(slug, period)
    if result.released:
        messages.success(
            request,
            f"Released {result.released} approved figure{'s' if result.released != 1 else ''} "
            f"for {the_period.label} to the benchmarking club.",
        )
    else:
        messages.info(request, f"No approved figure for {the_period.label} was waiting.")
    return _back_to_review(slug, period)


@login_required
@says_if_work_waits()
def club_sharing(request: SignedInRequest, slug: str) -> HttpResponse:
    page = selectors.club_sharing_page(request.user, slug)
    form = ClubSharingForm(request.POST or None, initial={"shares": "no" if page.shares else "yes"})
    if request.method == "POST":
        selectors.club_scope(request.user, slug)
        if form.is_valid():
            try:
                services.club_sharing_set(
                    user=request.user,
                    authority=page.authority,
                    shares=form.cleaned_data["shares"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as refusal:
                form.add_error(None, " ".join(refusal.messages))
            else:
                messages.success(
                    request,
                    f"{page.authority.name} now "
                    f"{'shares' if form.cleaned_data['shares'] else 'does not share'} its "
                    "approved figures with the benchmarking club.",
                )
                return redirect(reverse("club_sharing", kwargs={"slug": slug}))
    return render(request, "indicators/review/sharing.html", {"page": page, "form": form})


@login_required
@says_if_work_waits()
def review_return(request: SignedInRequest, slug: str, period: str, figure_id: int) -> HttpResponse:
    figure = selectors.figure_for_review(request.user, slug, period, figure_id)
    form = ReturnForm(request.POST or None, initial={"version": figure.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.figure_return(
                user=request.user,
                figure=figure,
                comment=form.cleaned_data["comment"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as refusal:
            form.add_error(None, " ".join(refusal.messages))
        else:
            messages.success(
                request, f"Returned {figure.indicator.title} to the officers with your comment."
            )
            return _back_to_review(slug, period)
    context = {"figure": figure, "form": form, "value_text": selectors.figure_text(figure)}
    return render(request, "indicators/review/return.html", context)


@login_required
def indicator_history_csv(request: SignedInRequest, slug: str, code: str) -> HttpResponse:
    authority, indicator, rows = selectors.figure_history(request.user, slug, code, limit=None)
    dataset = FigureChangeResource(indicator=indicator).export([row.change for row in rows])
    response = HttpResponse(dataset.csv, content_type="text/csv; charset=utf-8")
    filename = f"{authority.slug}-{indicator.code}-history.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def targets(request: SignedInRequest, slug: str) -> HttpResponse:
    page = selectors.targets_page(request.user, slug, request.GET.get("year"), timezone.localdate())
    return render(request, "indicators/review/targets.html", {"page": page})


@login_required
@says_if_work_waits()
def target_edit(request: SignedInRequest, slug: str, code: str, year: str) -> HttpResponse:
    edit = selectors.target_edit(request.user, slug, code, year)
    initial = (
        {"lower": edit.target.lower, "upper": edit.target.upper, "tolerance": edit.target.tolerance}
        if edit.target
        else {}
    )
    form = TargetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.target_set(
                user=request.user,
                authority=edit.authority,
                indicator=edit.indicator,
                financial_year=edit.year,
                lower=form.cleaned_data["lower"],
                upper=form.cleaned_data["upper"],
                tolerance=form.cleaned_data["tolerance"],
                channel=ChangeChannel.FORM,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as refusal:
            form.add_error(None, " ".join(refusal.messages))
        else:
            messages.success(
                request, f"Saved the {edit.year.label} target for {edit.indicator.title}."
            )
            return redirect(f"{reverse('targets', kwargs={'slug': slug})}?year={year}")
    return render(request, "indicators/review/target_edit.html", {"edit": edit, "form": form})
