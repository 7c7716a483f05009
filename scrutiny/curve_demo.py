"""The demo Turning the Curve report: Wiltshire's repeat child protection plans, after seed 001
(a reference group used the OBA technique "to help think through the reasons for repeat child
protection plans and identify plans for improvement"). Written by the demo officer through the
same service an officer uses; loading twice leaves one. The words are a demo's, drawn from
what the seed's bulletin says of Wiltshire's practice at the time (the children in need audit,
thresholds, the Gateway Panel, the Family Support Service)."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model

from indicators.models import Area, Indicator

from . import curve_services
from .curve_services import Partner, PlannedAction, WhatWorks
from .models import CurveActionStatus, CurveReport

TITLE = "Repeat child protection plans"

STORY = """\
One child in five who became the subject of a child protection plan in 2017/18 had been the
subject of one before, and the share has risen for three years.

- Plans were not always clear about what needed to change, so it was hard to tell whether
  things were improving before a plan ended (the children in need audit found the same).
- Plans ended and cases stepped down without support that kept the change going.
- Partner agencies understood the thresholds in different ways.
"""

PARTNERS = (
    Partner("Wiltshire Police", "Share domestic abuse notifications promptly and once"),
    Partner("Schools' Parenting Support Advisers", "Support parents after a plan ends"),
    Partner("Health visitors and school nurses", "Notice early when things slip back"),
    Partner("Family Support Service", "Give timely help when a case steps down"),
)

WHAT_WORKS = (
    WhatWorks(
        "SMART, outcome-focused plans",
        "The children in need audit found drift where plans lacked a clear focus",
    ),
    WhatWorks(
        "Working with the school's Parenting Support Adviser",
        "Positive outcomes in the audited cases where the social worker did so",
    ),
    WhatWorks(
        "A shared understanding of thresholds",
        "Re-launched at the multi-agency early intervention conference",
    ),
)

ACTIONS = (
    PlannedAction(
        "Review every plan ending for a clear, measurable description of what has changed",
        who="Child protection conference chairs",
        by_when=date(2013, 3, 31),
        status=CurveActionStatus.IN_PROGRESS,
    ),
    PlannedAction(
        "Agree step-down support with the Family Support Service before a plan ends",
        who="Head of Service, Safeguarding",
        by_when=date(2013, 6, 30),
        status=CurveActionStatus.NOT_STARTED,
    ),
    PlannedAction(
        "Include repeat plans in the monthly case audit by social care managers",
        who="Social care managers",
        by_when=date(2013, 2, 28),
        status=CurveActionStatus.DONE,
    ),
)


def curves_demo_load() -> list[str]:
    """The demo report (the demo personas and figures must exist): a line if it was made."""
    authority = Area.objects.get(slug="wiltshire")
    if CurveReport.objects.filter(authority=authority, title=TITLE).exists():
        return []
    report = curve_services.report_create(
        user=get_user_model().objects.get(username="wiltshire.officer"),
        authority=authority,
        indicator=Indicator.objects.get(code="CPP-2ND"),
        title=TITLE,
        story=STORY,
        partners=PARTNERS,
        what_works=WHAT_WORKS,
        actions=ACTIONS,
    )
    return [f"Turning the Curve report: {authority.name}, {report.title}"]
