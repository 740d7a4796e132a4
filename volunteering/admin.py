from django.contrib import admin

from .models import Event, Opportunity, Shift, SignUp, Stall


class ShiftInline(admin.TabularInline):
    model = Shift
    extra = 0


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "is_published", "credit_scheme", "is_demo"]
    list_filter = ["is_published", "checks"]
    search_fields = ["title", "organisation__name"]
    inlines = [ShiftInline]


class StallInline(admin.TabularInline):
    model = Stall
    extra = 1
    filter_horizontal = ["opportunities"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """Events and their stalls are set up here by the organising organisation's administrator."""

    list_display = ["title", "organisation", "starts_at", "is_demo"]
    inlines = [StallInline]


@admin.register(SignUp)
class SignUpAdmin(admin.ModelAdmin):
    list_display = ["name", "shift", "status", "event", "hours"]
    list_filter = ["status"]
    search_fields = ["name", "email"]
    readonly_fields = ["credits_entry", "hours", "status"]
