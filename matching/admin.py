"""Back office for suggestions. Team weights only: dismissals are about a person, and person data
is kept out of the admin (as ``people`` keeps its records out), read through the audited pages."""

from django.contrib import admin

from .models import TeamWeights


@admin.register(TeamWeights)
class TeamWeightsAdmin(admin.ModelAdmin):
    list_display = ["team", "interest", "distance", "time", "cost", "access", "tried", "changed_at"]
    readonly_fields = ["changed_by", "changed_at"]
    search_fields = ["team__name"]

    # Changed on the weights page only, where each change is audited.
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
