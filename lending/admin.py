from django.contrib import admin

from .models import Errand, Item, Reservation, ServiceRecord, WaitingListEntry


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    """Items are added and described here; bookings and loans go through the lending pages."""

    list_display = ["name", "kind", "organisation", "condition", "last_serviced_on", "is_retired"]
    list_filter = ["kind", "condition", "is_retired"]
    search_fields = ["name", "kind"]


@admin.register(Reservation)
class ReservationAdmin(admin.ModelAdmin):
    """Read-only: bookings are made and changed on the lending pages, which keep the calendar whole."""

    list_display = ["item", "borrower_name", "starts_on", "ends_on", "status"]
    list_filter = ["status"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


admin.site.register(ServiceRecord)
admin.site.register(Errand)
admin.site.register(WaitingListEntry)
