"""Users and their memberships of authorities. The rules built on them live in `access.py`."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    """The languages of the interface (settings.LANGUAGES), by their Django codes."""

    ENGLISH = "en-gb", "English"
    WELSH = "cy", "Cymraeg"


class User(AbstractUser):
    """A person who signs in. Admins are superusers; everyone else acts through memberships."""

    # The interface's language this person chose with the switch in the header; blank until
    # they choose (their browser's language, else English). Applied on every request they
    # make signed in (accounts.middleware), so it follows them from one browser to another.
    language = models.CharField(max_length=10, choices=Language.choices, blank=True, default="")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Role(models.TextChoices):
    OFFICER = "officer", _("Performance officer")
    MANAGER = "manager", _("Team manager")
    COUNCILLOR = "councillor", _("Councillor")


class Membership(models.Model):
    """A user's role in one authority. A user may belong to several authorities."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    # A lazy reference: the area model lives in `indicators`, which builds on this app.
    authority = models.ForeignKey(
        "indicators.Area", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "authority"], name="one_role_per_authority"),
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]), name="membership_role_known"
            ),
        ]
        ordering = ["authority__name", "user__username"]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} of {self.authority}"
