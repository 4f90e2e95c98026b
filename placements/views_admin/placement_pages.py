"""A placement's own pages: status changes (confirm, then the service), history."""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from placements import services
from placements.access import access_placement_by_id
from placements.models import Placement
from placements.selectors import (
    placement_history,
)
from placements.views_admin.common import (
    ACTION_LABELS,
    messages_of,
    placement_url,
    require,
)

TRANSITIONS = {
    # name: (label, allowed statuses, icon)
    "agree": (gettext_lazy("Mark as agreed"), (Placement.Status.PROPOSED,), "check"),
    "activate": (gettext_lazy("Mark as started"), (Placement.Status.AGREED,), "date"),
    "complete": (
        gettext_lazy("Mark as completed"),
        (Placement.Status.ACTIVE,),
        "tick-inverse",
    ),
    "end_early": (gettext_lazy("End early"), Placement.OPEN, "cross"),
}


def transition_links(user, placement: Placement) -> list[tuple[str, str, str]]:
    if not user.has_perm("placements.change_placement"):
        return []
    links = [
        (label, placement_url(name, placement.pk), icon)
        for name, (label, allowed, icon) in TRANSITIONS.items()
        if placement.status in allowed
    ]
    if placement.needs_attention:
        links.insert(
            0, (_("Resolve flag"), placement_url("resolve", placement.pk), "warning")
        )
    return links


class PlacementPageView(WagtailAdminTemplateMixin, TemplateView):
    """A page about one placement; programme administrators only."""

    header_icon = "clipboard-list"
    permissions = ("view_placement",)

    def dispatch(self, request, *args, **kwargs):
        require(request.user, *self.permissions)
        self.placement = access_placement_by_id(
            user=request.user, placement_id=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.placement)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": placement_url("index"), "label": _("Placements")},
            {
                "url": placement_url("edit", self.placement.pk),
                "label": str(self.placement),
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["placement"] = self.placement
        context["edit_url"] = placement_url("edit", self.placement.pk)
        return context


class PlacementTransitionView(PlacementPageView):
    """Confirm, then change the status through the service."""

    template_name = "placements/admin/placement_transition.html"
    permissions = ("change_placement",)
    action = ""
    form_class = None

    def get_page_title(self):
        if self.action == "resolve":
            return _("Resolve flag")
        return TRANSITIONS[self.action][0]

    def get(self, request, *args, **kwargs):
        form = self.form_class() if self.form_class else None
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        form = self.form_class(request.POST) if self.form_class else None
        if form is not None and not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        data = form.cleaned_data if form is not None else {}
        try:
            self.perform(data)
        except ValidationError as error:
            messages.error(request, messages_of(error))
            if form is not None:
                return self.render_to_response(self.get_context_data(form=form))
            return redirect(placement_url("edit", self.placement.pk))
        messages.success(request, self.success_message())
        return redirect(placement_url("edit", self.placement.pk))

    def perform(self, data):
        by = self.request.user
        placement = self.placement
        if self.action == "agree":
            services.placement_agree(placement=placement, by=by)
        elif self.action == "activate":
            services.placement_activate(placement=placement, by=by)
        elif self.action == "complete":
            services.placement_complete(
                placement=placement, outcome_notes=data["outcome_notes"], by=by
            )
        elif self.action == "end_early":
            services.placement_end_early(
                placement=placement, reason=data["reason"], by=by
            )
        elif self.action == "resolve":
            services.placement_attention_resolve(
                placement=placement, note=data["note"], by=by
            )

    def success_message(self) -> str:
        return {
            "agree": _("The placement is agreed and holds one of the places."),
            "activate": _("The placement has started."),
            "complete": _("The placement is completed."),
            "end_early": _("The placement has ended early."),
            "resolve": _("The flag is resolved; the placement continues."),
        }[self.action]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["action"] = self.action
        context["organisation"] = self.placement.organisation
        return context


def _shown(value):
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


class PlacementHistoryView(PlacementPageView):
    """Who changed what, and when, from the placement's events."""

    template_name = "placements/admin/placement_history.html"
    page_title = gettext_lazy("History")
    header_icon = "history"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        field_labels = {
            field.name: field.verbose_name
            for field in Placement._meta.get_fields()
            if hasattr(field, "verbose_name")
        }
        field_labels["reason"] = _("reason")
        statuses = dict(Placement.Status.choices)
        order = tuple(dict.fromkeys(("status", *services.LOGGED_FIELDS)))
        rows = []
        for event in placement_history(placement=self.placement):
            changes = []
            names = [n for n in order if n in event.old or n in event.new]
            names += sorted((set(event.old) | set(event.new)) - set(order))
            for name in names:
                old, new = event.old.get(name), event.new.get(name)
                if not event.old and new in ("", None, False):
                    continue  # a new placement: only what was filled in
                if name == "status":
                    old, new = statuses.get(old, old), statuses.get(new, new)
                old, new = _shown(old), _shown(new)
                changes.append((field_labels.get(name, name), old, new))
            rows.append(
                {
                    "event": event,
                    "label": ACTION_LABELS.get(event.action, event.action),
                    "changes": changes,
                    "note": "" if event.note.startswith("certificate:") else event.note,
                }
            )
        context["rows"] = rows
        return context
