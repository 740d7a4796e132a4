from django.contrib import admin
from django.db import models

from . import fulltext
from .models import (
    Accessibility,
    Contact,
    CostOption,
    Funding,
    Language,
    ListingProblem,
    Location,
    OrganizationIdentifier,
    Provider,
    ReviewReminder,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)


class HttpsLinks:
    """Web addresses typed without a scheme are taken as https://."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class OrganizationIdentifierInline(admin.TabularInline):
    model = OrganizationIdentifier
    extra = 0


@admin.register(Provider)
class ProviderAdmin(HttpsLinks, admin.ModelAdmin):
    list_display = ["name", "owner", "is_demo"]
    list_filter = ["is_demo"]
    search_fields = ["name"]
    autocomplete_fields = ["owner"]
    inlines = [OrganizationIdentifierInline]


class ScheduleInline(HttpsLinks, admin.TabularInline):
    model = Schedule
    extra = 0
    fields = [
        "freq",
        "interval",
        "byday",
        "bymonthday",
        "opens_at",
        "closes_at",
        "valid_from",
        "valid_to",
        "description",
        "schedule_link",
    ]


class ServiceAtLocationInline(HttpsLinks, admin.TabularInline):
    model = ServiceAtLocation
    extra = 0
    autocomplete_fields = ["location"]


class CostOptionInline(HttpsLinks, admin.TabularInline):
    model = CostOption
    extra = 0


class ContactInline(HttpsLinks, admin.TabularInline):
    model = Contact
    extra = 0


class LanguageInline(HttpsLinks, admin.TabularInline):
    model = Language
    extra = 0


class ServiceAreaInline(HttpsLinks, admin.TabularInline):
    model = ServiceArea
    extra = 0


class FundingInline(admin.TabularInline):
    model = Funding
    extra = 0
    autocomplete_fields = ["organization"]


class AccessibilityInline(HttpsLinks, admin.TabularInline):
    model = Accessibility
    extra = 0


@admin.register(Service)
class ServiceAdmin(HttpsLinks, admin.ModelAdmin):
    """Listings in the back office. Saving here keeps the search index up to date."""

    list_display = ["name", "provider", "owner", "listing_status", "status", "last_checked"]
    list_filter = ["listing_status", "status", "cost", "is_demo"]
    search_fields = ["name", "provider__name"]
    autocomplete_fields = ["provider", "owner"]
    filter_horizontal = ["terms"]
    readonly_fields = ["created_at", "last_modified"]
    inlines = [
        ServiceAtLocationInline,
        ScheduleInline,
        CostOptionInline,
        ContactInline,
        LanguageInline,
        ServiceAreaInline,
        FundingInline,
    ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        fulltext.index_services([form.instance])


@admin.register(Location)
class LocationAdmin(HttpsLinks, admin.ModelAdmin):
    list_display = ["name", "address_1", "postal_code", "wheelchair_accessible"]
    search_fields = ["name", "address_1", "postal_code"]
    raw_id_fields = ["postcode"]
    inlines = [AccessibilityInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # The listings here are found by the venue's name, town and place: index them again.
        fulltext.index_services(Service.objects.filter(locations=obj))


@admin.register(Taxonomy)
class TaxonomyAdmin(HttpsLinks, admin.ModelAdmin):
    list_display = ["name", "version"]


@admin.register(TaxonomyTerm)
class TaxonomyTermAdmin(HttpsLinks, admin.ModelAdmin):
    list_display = ["name", "taxonomy", "parent", "slug"]
    list_filter = ["taxonomy"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ListingProblem)
class ListingProblemAdmin(HttpsLinks, admin.ModelAdmin):
    list_display = ["service", "kind", "created_at", "resolved_at"]
    list_filter = ["kind"]
    search_fields = ["service__name"]
    raw_id_fields = ["service", "resolved_by"]


@admin.register(ReviewReminder)
class ReviewReminderAdmin(HttpsLinks, admin.ModelAdmin):
    list_display = ["service", "level", "review_due", "sent_at", "recipients"]
    list_filter = ["level"]
    raw_id_fields = ["service"]
