"""The back office: administrators create funds and name their officers here. Rounds, questions
and applications are set up and read on the grants pages, where the rules are kept; applications
hold people's contact details, so they are not in the back office."""

from django.contrib import admin

from .models import Fund, FundOfficer


class FundOfficerInline(admin.TabularInline):
    model = FundOfficer
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Fund)
class FundAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "total_pence"]
    search_fields = ["name"]
    inlines = [FundOfficerInline]
