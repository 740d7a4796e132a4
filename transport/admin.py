"""The back office for transport's set-up: schemes, drivers (their week, leave and compliance
register), vehicles and the mileage rates. Nothing holding a passenger's data is here (passengers,
eligibility, trips, pairings to avoid): those are person data, read through the selectors that
audit them (the privacy walk asserts it)."""

from django.contrib import admin

from .models import (
    Availability,
    ComplianceCheck,
    Driver,
    Leave,
    MileageClaim,
    MileageRate,
    Run,
    Scheme,
    Vehicle,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Seen here, changed only through the services that keep the rules (pages, and the API)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    list_display = ["name", "team", "minimum_age", "needs_mobility_need", "needs_isolation"]
    filter_horizontal = ["wards"]
    search_fields = ["name"]


class AvailabilityInline(admin.TabularInline):
    model = Availability
    extra = 0


class LeaveInline(admin.TabularInline):
    model = Leave
    extra = 0


class ComplianceCheckInline(admin.TabularInline):
    model = ComplianceCheck
    extra = 0
    fields = ["kind", "checked_on", "expires_on", "reference"]


@admin.register(Driver)
class DriverAdmin(admin.ModelAdmin):
    """Drivers, their week, leave and compliance register."""

    list_display = ["__str__", "kind", "drives_cars", "drives_minibuses", "drives_tuk_tuks", "is_active"]
    list_filter = ["kind", "is_active"]
    raw_id_fields = ["user", "home_postcode"]
    filter_horizontal = ["schemes"]
    inlines = [AvailabilityInline, LeaveInline, ComplianceCheckInline]


@admin.register(Vehicle)
class VehicleAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "scheme",
        "kind",
        "seats",
        "wheelchair_spaces",
        "mot_expires_on",
        "service_due_on",
    ]
    list_filter = ["kind", "scheme"]


@admin.register(MileageRate)
class MileageRateAdmin(admin.ModelAdmin):
    """The approved rates: add a row from the day HMRC's new rates apply (claims already made keep theirs)."""

    list_display = ["applies_from", "first_rate", "later_rate", "threshold_miles"]

    def has_change_permission(self, request, obj=None):
        return obj is None or not MileageClaim.objects.filter(rate=obj).exists()

    def has_delete_permission(self, request, obj=None):
        return obj is None or not MileageClaim.objects.filter(rate=obj).exists()


@admin.register(Run)
class RunAdmin(ReadOnlyAdmin):
    list_display = ["on", "driver", "vehicle", "start_odometer", "end_odometer"]


@admin.register(MileageClaim)
class MileageClaimAdmin(ReadOnlyAdmin):
    list_display = ["driver", "run", "miles", "total", "status", "tax_year"]
    list_filter = ["status", "tax_year"]
