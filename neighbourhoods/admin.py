from django.contrib import admin

from .models import Measure, NeighbourhoodTeam, Priority, TeamMember


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 1
    raw_id_fields = ["user"]


@admin.register(NeighbourhoodTeam)
class NeighbourhoodTeamAdmin(admin.ModelAdmin):
    list_display = ["name", "neighbourhood"]
    inlines = [TeamMemberInline]


class MeasureInline(admin.TabularInline):
    model = Measure
    extra = 1


@admin.register(Priority)
class PriorityAdmin(admin.ModelAdmin):
    list_display = ["title", "team", "rank", "is_active"]
    list_filter = ["team", "is_active"]
    inlines = [MeasureInline]
