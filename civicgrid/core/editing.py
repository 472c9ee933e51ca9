"""One page to add or edit a record, as NetBox's generic ObjectEditView: the URL without a pk adds
(`new_object()`), the URL with one edits (`get_object()`, looked up through
`restrict(user, "change")`: out of scope answers 404).

A record type subclasses `ObjectEditView` once and says which form it shows (`get_form`), which
action saves it (`save`, an action function that checks the permission again and writes the change
log), and where to go next. The page is thin: a PermissionDenied from the action is a 404, a
ValidationError goes back onto the form, success is a message and a redirect (POST-redirect-GET).
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from civicgrid.core.changelog import changes_for
from civicgrid.core.forms import add_errors


class ObjectEditView(LoginRequiredMixin, View):
    model = None
    template_name = None
    form_id = "edit-form"
    http_method_names = ["get", "post"]
    # The record's recent changes are shown under the form of an existing record.
    show_changes = True

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object, self.adding = None, False

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        pk = kwargs.pop("pk", None)
        # Whether this page adds a record (kept: the object has a pk once the action saved it).
        self.adding = pk is None
        self.object = self.new_object(**kwargs) if self.adding else get_object_or_404(self.get_queryset(), pk=pk)
        return super().dispatch(request, *args, **kwargs)

    # What a record type says ------------------------------------------------------------------

    def get_queryset(self):
        """The records the user may edit."""
        return self.model.objects.restrict(self.request.user, "change")

    def new_object(self, **kwargs):
        """The unsaved record the add page starts from (kwargs: the rest of the URL)."""
        return self.model()

    def get_form(self):
        raise NotImplementedError

    def save(self, form):
        """Call the action that writes the record; return what `success_url` and the message take."""
        raise NotImplementedError

    def success_url(self, result):
        raise NotImplementedError

    def success_message(self, result):
        return _("已保存。")

    def cancel_url(self):
        raise NotImplementedError

    def title(self):
        raise NotImplementedError

    def subtitle(self):
        return ""

    def submit_label(self):
        return _("保存")

    # The page ---------------------------------------------------------------------------------

    def get(self, request, *args, **kwargs):
        return self.render(self.get_form())

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_valid():
            try:
                result = self.save(form)
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, self.success_message(result))
                return redirect(self.success_url(result))
        return self.render(form)

    def render(self, form):
        record = self.object if self.show_changes and not self.adding else None
        context = {
            "form": form,
            "object": self.object,
            "title": self.title(),
            "subtitle": self.subtitle(),
            "cancel": self.cancel_url(),
            "form_id": self.form_id,
            "submit": self.submit_label(),
            "changes": changes_for(record)[:20] if record is not None else None,
        }
        return render(self.request, self.template_name, context, status=400 if form.is_bound else 200)
