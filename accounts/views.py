from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views import View
from django.views.i18n import set_language

from . import services
from .models import Language


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    pass


class LanguageView(View):
    """The language switch in the header (POST): remembered for the signed-in user
    (`User.language`), and in the browser's language cookie for anyone, signed in or not
    (Django's `set_language`, which also sends them back to the page they were on)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        language = request.POST.get("language", "")
        if language not in Language.values:
            # Not through set_language, which would keep any language Django has a
            # catalogue for in the cookie.
            messages.error(request, gettext("Choose English or Cymraeg."))
            return HttpResponseRedirect(self.back(request))
        if request.user.is_authenticated:
            services.user_language_set(user=request.user, language=language)
        return set_language(request)

    @staticmethod
    def back(request: HttpRequest) -> str:
        """The page the switch was on, if it is one of ours; else the start page."""
        next_url = request.POST.get("next", "")
        safe = url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        return next_url if safe else "/"
