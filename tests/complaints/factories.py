"""Factories for the complaints app: small, valid records of authority A by default."""

from datetime import date

import factory

from complaints.models import Complaint, Compliment, SurveyComment, VoiceSurvey
from tests.factories import AreaFactory


class ComplaintFactory(factory.django.DjangoModelFactory[Complaint]):
    class Meta:
        model = Complaint

    authority = factory.SubFactory(AreaFactory)
    reference = factory.Sequence(lambda n: f"CMP-{n:05d}")
    stage = "1"
    received = date(2017, 4, 3)


class ComplimentFactory(factory.django.DjangoModelFactory[Compliment]):
    class Meta:
        model = Compliment

    authority = factory.SubFactory(AreaFactory)
    received = date(2017, 5, 1)
    text = "Thank you"


class VoiceSurveyFactory(factory.django.DjangoModelFactory[VoiceSurvey]):
    class Meta:
        model = VoiceSurvey

    authority = factory.SubFactory(AreaFactory)
    title = "Your Voice survey"
    audience = "children"
    conducted_on = date(2017, 11, 30)


class SurveyCommentFactory(factory.django.DjangoModelFactory[SurveyComment]):
    class Meta:
        model = SurveyComment

    survey = factory.SubFactory(VoiceSurveyFactory)
    text = "Explain to me what is going on"
