"""factory_boy factories for the core model. Values are small and valid by default."""

from datetime import date
from decimal import Decimal
from typing import Any

import factory

from accounts.models import Membership, Role, User
from indicators.models import (
    Area,
    AreaKind,
    Comparator,
    ComparatorKind,
    Figure,
    FigureSource,
    FigureStatus,
    Indicator,
    Period,
    PeriodKind,
    Target,
    Theme,
    ratio_kind_for,
)

PASSWORD = "persona-password-2026"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class AreaFactory(factory.django.DjangoModelFactory[Area]):
    class Meta:
        model = Area
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Authority {n}")
    slug = factory.Sequence(lambda n: f"authority-{n}")
    kind = AreaKind.AUTHORITY


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    authority = factory.SubFactory(AreaFactory)
    role = Role.OFFICER


class ThemeFactory(factory.django.DjangoModelFactory[Theme]):
    class Meta:
        model = Theme
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Theme {n}")
    slug = factory.Sequence(lambda n: f"theme-{n}")


class IndicatorFactory(factory.django.DjangoModelFactory[Indicator]):
    class Meta:
        model = Indicator
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"IND-{n}")
    title = factory.Sequence(lambda n: f"% of things done on time {n}")
    definition = "Things done on time as a percentage of things done."
    theme = factory.SubFactory(ThemeFactory)
    unit = "percent"
    polarity = "higher"
    frequency = "annual"
    measure_type = "events"
    decimals = 0
    source = "local"
    roll_up = "ratio"


def period(kind: str, start: date) -> Period:
    from indicators import periods

    first, last = periods.bounds(kind, start)
    obj, _ = Period.objects.get_or_create(kind=kind, start=first, defaults={"end": last})
    return obj


def financial_year(start_year: int) -> Period:
    return period(PeriodKind.FINANCIAL_YEAR, date(start_year, 4, 1))


def figure(area: Area, indicator: Indicator, at: Period, value: str, **extra: Any) -> Figure:
    return Figure.objects.create(
        area=area,
        indicator=indicator,
        period=at,
        value=Decimal(value),
        ratio_kind=ratio_kind_for(indicator.unit),
        status=extra.pop("status", FigureStatus.APPROVED),
        source=extra.pop("source", FigureSource.TYPED),
        **extra,
    )


def club_figure(area: Area, indicator: Indicator, at: Period, value: str, **extra: Any) -> Figure:
    """Another authority's approved figure that it has released to the benchmarking club,
    with its club setting on: what other authorities may see of its own figures (docs/0017)."""
    if not area.shares_with_club:
        Area.objects.filter(pk=area.pk).update(shares_with_club=True)
        area.shares_with_club = True
    return figure(area, indicator, at, value, released_version=1, **extra)


def target(area: Area, indicator: Indicator, year: Period, lower: str, upper: str) -> Target:
    return Target.objects.create(
        authority=area,
        indicator=indicator,
        financial_year=year,
        lower=Decimal(lower),
        upper=Decimal(upper),
        tolerance=Decimal(2),
    )


def comparator(authority: Area, area: Area, kind: str, label: str, order: int = 0) -> Comparator:
    return Comparator.objects.create(
        authority=authority, area=area, kind=kind, label=label, order=order
    )


__all__ = ["PASSWORD", "ComparatorKind"]
