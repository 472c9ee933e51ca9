"""Pages of residents' registration and password reset, and the community staff's review page."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from civicgrid.accounts import registration, reset
from civicgrid.accounts.account_forms import RegisterForm, RejectForm, ResetConfirmForm, ResetRequestForm
from civicgrid.accounts.models import Registration
from civicgrid.core.scoping import scope_codes
from civicgrid.core.text import strip_forbidden

RESET_PHONE_KEY = "civicgrid_reset_phone"


def add_errors(form, error):
    """Put an action's ValidationError on the form (fields it names, else the whole form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class RegisterView(View):
    """居民注册: phone, name, community and password; confirmed by base data or the community."""

    template_name = "accounts/register.html"

    def get(self, request):
        if request.user.is_authenticated:
            return redirect("site:home")
        return render(request, self.template_name, {"form": RegisterForm(), "policy": _policy()})

    def post(self, request):
        form = RegisterForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                done = registration.register_resident(
                    phone=data["phone"],
                    password=data["password1"],
                    name=data["name"],
                    community=data["community"],
                    request=request,
                )
            except ValidationError as error:
                if getattr(error, "code", None) != "too_many" and not hasattr(error, "error_dict"):
                    error = ValidationError({"password1": error.messages})  # the password validators'
                add_errors(form, error)
            else:
                return render(request, "accounts/register_done.html", {"registration": done})
        return render(request, self.template_name, {"form": form, "policy": _policy()}, status=400)


def _policy():
    from django.contrib.auth.password_validation import password_validators_help_texts

    return password_validators_help_texts()


class ResetRequestView(View):
    """忘记密码, step 1: the phone number. The same answer whether or not it has an account."""

    template_name = "accounts/reset_request.html"

    def get(self, request):
        return render(request, self.template_name, {"form": ResetRequestForm()})

    def post(self, request):
        form = ResetRequestForm(request.POST)
        if form.is_valid():
            try:
                reset.request_code(form.cleaned_data["phone"], request=request)
            except reset.TooManyRequests as error:
                form.add_error(None, error)
            except ValidationError as error:
                add_errors(form, error)
            else:
                request.session[RESET_PHONE_KEY] = registration.clean_phone(form.cleaned_data["phone"])
                messages.info(
                    request,
                    _("如果该手机号已注册，验证码已通过短信发送，%(n)d 分钟内有效。") % {"n": reset.RESET_CODE_MINUTES},
                )
                return redirect("accounts:reset_confirm")
        return render(request, self.template_name, {"form": form}, status=400)


class ResetConfirmView(View):
    """忘记密码, step 2: the code from the text message and the new password."""

    template_name = "accounts/reset_confirm.html"

    def dispatch(self, request, *args, **kwargs):
        self.phone = request.session.get(RESET_PHONE_KEY)
        if not self.phone:
            return redirect("accounts:reset")
        return super().dispatch(request, *args, **kwargs)

    def context(self, form):
        masked = f"{self.phone[:3]}****{self.phone[-4:]}"
        return {"form": form, "masked_phone": masked, "policy": _policy()}

    def get(self, request):
        return render(request, self.template_name, self.context(ResetConfirmForm()))

    def post(self, request):
        form = ResetConfirmForm(request.POST)
        if form.is_valid():
            try:
                reset.reset_with_code(
                    self.phone, form.cleaned_data["code"], form.cleaned_data["password1"], request=request
                )
            except reset.TooManyRequests as error:
                form.add_error(None, error)
            except ValidationError as error:
                if not hasattr(error, "error_dict"):
                    error = ValidationError({"password1": error.messages})
                add_errors(form, error)
            else:
                request.session.pop(RESET_PHONE_KEY, None)
                messages.success(request, _("密码已重置，请用新密码登录。"))
                return redirect("accounts:login")
        return render(request, self.template_name, self.context(form), status=400)


class ReviewerMixin(LoginRequiredMixin):
    """Community staff (whoever holds the review permission somewhere); others get 403."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and scope_codes(request.user, registration.REVIEW_PERMISSION) == []:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class RegistrationsView(ReviewerMixin, View):
    """待审核的居民注册: the pending registrations of the user's communities."""

    def get(self, request):
        pending = registration.pending_for(request.user)
        return render(
            request,
            "accounts/registrations.html",
            {"registrations": pending, "reject_form": RejectForm()},
        )


class DecideView(ReviewerMixin, View):
    """Approve or reject one registration (POST); another community's answers 404."""

    def post(self, request, pk, decision):
        if decision not in ("approve", "reject"):
            raise Http404
        target = get_object_or_404(Registration.objects.restrict(request.user, "review"), pk=pk)
        try:
            if decision == "approve":
                registration.approve_registration(target, actor=request.user, request=request)
                messages.success(request, _("已通过 %(name)s 的注册。") % {"name": target.user.display_name})
            else:
                form = RejectForm(request.POST)
                if not form.is_valid():
                    messages.error(request, _("请填写未通过的原因。"))
                    return redirect("accounts:registrations")
                registration.reject_registration(
                    target, actor=request.user, reason=form.cleaned_data["reason"], request=request
                )
                messages.success(request, _("已退回 %(name)s 的注册。") % {"name": target.user.display_name})
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("accounts:registrations")


class ResidentsView(ReviewerMixin, View):
    """居民账号: the residents of the user's communities, to give one a temporary password."""

    def get(self, request):
        residents = registration.residents_for(request.user)
        query = strip_forbidden(request.GET.get("q", "")).strip()[:50]
        if query:
            residents = residents.filter(Q(phone__contains=query) | Q(name__contains=query))
        page = Paginator(residents, 30).get_page(request.GET.get("page"))
        return render(request, "accounts/residents.html", {"page": page, "query": query})


class ResidentResetView(ReviewerMixin, View):
    """Give a resident a temporary password (POST), shown once on the answer page."""

    def post(self, request, pk):
        resident = get_object_or_404(registration.residents_for(request.user), pk=pk)
        password = registration.reset_password_by_staff(resident, actor=request.user, request=request)
        response = render(
            request,
            "accounts/resident_reset_done.html",
            {"resident": resident, "password": password, "back": reverse("accounts:residents")},
        )
        response["Cache-Control"] = "no-store"
        return response
