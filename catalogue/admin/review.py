"""Review queues: the importer's authority questions, merges (with undo), fixity results.

Accepting a proposed merge runs the same merge service as the agents' "merge" action,
so a merge from the queue is recorded and undoable like any other.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from catalogue.models import AuthorityReview, FixityCheck, MergeRecord
from catalogue.services import merging


def _error_text(error) -> str:
    return error.messages[0] if hasattr(error, "messages") else str(error)


def merge_action(kind: str, description: str):
    """An admin action that merges the selected records into one chosen survivor.

    The first POST shows a confirmation page listing the records and asking which one
    survives; the second performs one merge per loser, all in one transaction.
    """

    def action(modeladmin, request, queryset):
        records = list(queryset.order_by("pk"))
        if len(records) < 2:
            modeladmin.message_user(
                request, "Select at least two records to merge.", messages.WARNING
            )
            return None
        survivor_pk = request.POST.get("survivor")
        if request.POST.get("confirm") and survivor_pk:
            survivor = next((r for r in records if str(r.pk) == survivor_pk), None)
            if survivor is None:
                modeladmin.message_user(request, "Choose the surviving record.", messages.ERROR)
                return None
            try:
                with transaction.atomic():
                    done = [
                        merging.merge(
                            kind=kind,
                            survivor=survivor,
                            loser=loser,
                            user=request.user,
                            note=request.POST.get("note", ""),
                        )
                        for loser in records
                        if loser.pk != survivor.pk
                    ]
            except (merging.MergeError, PermissionDenied) as error:
                modeladmin.message_user(request, _error_text(error), messages.ERROR)
                return None
            moved = sum(record.moved_count for record in done)
            modeladmin.message_user(
                request,
                f"Merged {len(done)} record(s) into “{survivor}” ({moved} links moved). "
                "Each merge can be undone from Merge records.",
                messages.SUCCESS,
            )
            return None
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": f"Merge {modeladmin.opts.verbose_name_plural}",
            "opts": modeladmin.opts,
            "records": records,
            "action": request.POST.get("action"),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/catalogue/merge_confirm.html", context)

    action.__name__ = f"merge_{kind}s"
    return admin.action(description=description, permissions=["merge"])(action)


@admin.register(AuthorityReview)
class AuthorityReviewAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "status",
        "agent_link",
        "candidate_link",
        "score",
        "document",
        "created_at",
    ]
    list_filter = ["kind", "status"]
    search_fields = ["name", "agent__authorised_name", "candidate__authorised_name"]
    autocomplete_fields = ["agent", "candidate", "document"]
    readonly_fields = ["import_run", "created_at", "resolved_at", "resolved_by"]
    list_select_related = ["agent", "candidate", "document"]
    actions = ["accept", "reject"]

    @admin.display(description="Agent (from the import)", ordering="agent__sort_name")
    def agent_link(self, obj):
        return self._agent_link(obj.agent)

    @admin.display(description="Candidate (existing record)", ordering="candidate__sort_name")
    def candidate_link(self, obj):
        return self._agent_link(obj.candidate)

    def _agent_link(self, agent):
        if agent is None:
            return "—"
        url = reverse("admin:catalogue_agent_change", args=[agent.pk])
        return format_html('<a href="{}">{}</a>', url, agent)

    @admin.action(description="Accept (a proposed merge merges the agent into the candidate)")
    def accept(self, request, queryset):
        accepted, failed = 0, 0
        for review in queryset.filter(status=AuthorityReview.Status.OPEN).select_related(
            "agent", "candidate"
        ):
            try:
                with transaction.atomic():
                    if review.kind == AuthorityReview.Kind.PROPOSED_MERGE:
                        if review.agent is None or review.candidate is None:
                            raise merging.MergeError("The review names no pair of agents.")
                        merging.merge_agents(
                            survivor=review.candidate,
                            loser=review.agent,
                            user=request.user,
                            review=review,
                            note=review.note,
                        )
                    _resolve(review, AuthorityReview.Status.ACCEPTED, request.user)
                accepted += 1
            except (merging.MergeError, PermissionDenied) as error:
                failed += 1
                self.message_user(request, f"{review}: {_error_text(error)}", messages.ERROR)
        if accepted:
            self.message_user(request, f"Accepted {accepted} review(s).", messages.SUCCESS)
        if not accepted and not failed:
            self.message_user(request, "No open reviews were selected.", messages.WARNING)

    @admin.action(description="Reject (keep the records apart)")
    def reject(self, request, queryset):
        count = 0
        for review in queryset.filter(status=AuthorityReview.Status.OPEN):
            _resolve(review, AuthorityReview.Status.REJECTED, request.user)
            count += 1
        self.message_user(request, f"Rejected {count} review(s).", messages.SUCCESS)


def _resolve(review, status, user):
    review.status = status
    review.resolved_at = timezone.now()
    review.resolved_by = user
    review.save(update_fields=["status", "resolved_at", "resolved_by"])


class LatestCheckFilter(admin.SimpleListFilter):
    title = "check"
    parameter_name = "latest"

    def lookups(self, request, model_admin):
        return [("yes", "Latest check of each file")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.latest_per_file()
        return queryset


@admin.register(FixityCheck)
class FixityCheckAdmin(admin.ModelAdmin):
    list_display = ["digital_object", "role", "path", "checked_at", "outcome"]
    list_filter = [LatestCheckFilter, "outcome", "role"]
    date_hierarchy = "checked_at"
    search_fields = ["path"]
    list_select_related = ["digital_object"]
    readonly_fields = [
        "digital_object",
        "role",
        "path",
        "checked_at",
        "outcome",
        "expected",
        "actual",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MergeRecord)
class MergeRecordAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "kind",
        "loser_label",
        "survivor_label",
        "moved",
        "merged_by",
        "merged_at",
        "undone_at",
    ]
    list_filter = ["kind", ("undone_at", admin.EmptyFieldListFilter)]
    search_fields = ["loser_label", "survivor_label", "note"]
    list_select_related = ["merged_by"]
    readonly_fields = [f.name for f in MergeRecord._meta.fields]
    actions = ["undo"]

    @admin.display(description="links moved")
    def moved(self, obj):
        return obj.moved_count

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_undo_permission(self, request):
        user = request.user
        return user.has_perm(merging.PERMISSIONS["agent"]) or user.has_perm(
            merging.PERMISSIONS["unit"]
        )

    @admin.action(description="Undo selected merges (newest first)", permissions=["undo"])
    def undo(self, request, queryset):
        for record in queryset.filter(undone_at__isnull=True).order_by("-pk"):
            try:
                merging.undo_merge(record=record, user=request.user)
            except (merging.MergeError, PermissionDenied) as error:
                self.message_user(request, _error_text(error), messages.ERROR)
            else:
                self.message_user(request, f"Undid {record}.", messages.SUCCESS)
