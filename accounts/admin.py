from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from common.errors import NotPermitted

from .models import AuditEvent, Organisation, Team, TeamMembership, User
from .services import reset_two_factor


def _reset_two_factor_of(modeladmin, request, people) -> None:
    """Reset each person's two factors through the audited, emailing service."""
    done = 0
    for person in people:
        try:
            reset_two_factor(request, person)
        except NotPermitted as refusal:
            modeladmin.message_user(request, f"{person.email}: {refusal}", messages.ERROR)
        else:
            done += 1
    if done:
        modeladmin.message_user(
            request,
            f"Two-factor sign-in reset for {done} {'person' if done == 1 else 'people'}. "
            "They set up a new authenticator app when they next sign in, and have been emailed.",
            messages.SUCCESS,
        )


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "is_demo"]
    list_filter = ["kind", "is_demo"]
    search_fields = ["name"]


class TeamMembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation"]
    list_filter = ["organisation"]
    search_fields = ["name", "organisation__name"]
    inlines = [TeamMembershipInline]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["full_name"]
    list_display = ["full_name", "email", "role", "organisation", "is_active", "is_demo"]
    list_filter = ["role", "organisation", "is_active", "is_demo"]
    search_fields = ["full_name", "email"]
    autocomplete_fields = ["home_postcode"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["full_name", "home_postcode", "is_demo"]}),
        ("Role", {"fields": ["role", "organisation"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "full_name", "role", "organisation", "password1", "password2"],
            },
        ),
    ]
    inlines = [TeamMembershipInline]
    actions = ["reset_two_factor"]

    @admin.action(description="Reset two-factor sign-in (lost phone): they set up a new app at next sign-in")
    def reset_two_factor(self, request, queryset):
        _reset_two_factor_of(self, request, list(queryset))


class ReadOnlyAdmin(admin.ModelAdmin):
    """A back-office page that only shows: nobody, administrators included, adds, changes or
    deletes through it (the audit log, second factors, the ledger)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# django_otp's own device admins show the secret key, a QR code of it and static codes, and answer
# 500 for a missing device. These replace them: they list devices but never show a secret, and
# removing a device is only the audited reset, never a plain delete.
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


class SecondFactorDeviceAdmin(ReadOnlyAdmin):
    """Which second factors people have and when they were used; never their secrets."""

    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__email", "user__full_name"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = fields
    actions = ["reset_two_factor"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    @admin.action(description="Reset these people's two-factor sign-in (every device they have)")
    def reset_two_factor(self, request, queryset):
        people = User.objects.filter(pk__in=queryset.values("user_id"))
        _reset_two_factor_of(self, request, list(people))


admin.site.register(TOTPDevice, SecondFactorDeviceAdmin)
admin.site.register(StaticDevice, SecondFactorDeviceAdmin)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The audit log: read-only for everyone, including administrators."""

    list_display = ["occurred_at", "actor_label", "action", "target_type", "target_id", "path"]
    list_filter = ["action", "target_type"]
    search_fields = ["actor_label", "target_id", "path"]
    date_hierarchy = "occurred_at"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
