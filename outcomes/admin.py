from django.contrib import admin

from .models import Instrument, Item, Survey, SurveyInvitation, SurveyStatement, UnitCost


class ItemInline(admin.TabularInline):
    model = Item
    extra = 0
    readonly_fields = ["code", "position", "text", "min_value", "max_value"]
    can_delete = False


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    """Read-only: instruments are loaded from their definitions (``manage.py load_instrument``)."""

    list_display = ["name", "code", "version", "scoring", "is_builtin"]
    inlines = [ItemInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(UnitCost)
class UnitCostAdmin(admin.ModelAdmin):
    list_display = ["name", "outcome", "value", "year", "is_example"]


class StatementInline(admin.TabularInline):
    model = SurveyStatement
    extra = 1


class InvitationInline(admin.TabularInline):
    model = SurveyInvitation
    extra = 1
    fields = ["organisation", "email", "sent_at", "answered_at"]
    readonly_fields = ["sent_at", "answered_at"]


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    """A survey of partner organisations: its statements and whom to invite. Then run
    ``manage.py send_survey_invitations N`` to email each their own link."""

    list_display = ["title", "closes_on", "created_at"]
    inlines = [StatementInline, InvitationInline]

    def save_formset(self, request, form, formset, change):
        import secrets

        for instance in formset.save(commit=False):
            if isinstance(instance, SurveyInvitation) and not instance.token:
                instance.token = secrets.token_urlsafe(24)
            instance.save()
        formset.save_m2m()
        for obj in formset.deleted_objects:
            obj.delete()
