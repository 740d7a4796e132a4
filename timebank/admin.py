"""Back office for timebanks and time credits. Settings are edited here; the ledger is read-only:
entries are written only by the services, and corrected by reversing entries."""

from django.contrib import admin

from accounts.admin import ReadOnlyAdmin

from .models import Account, CreditScheme, Entry, Ledger, Partner, PartnerOffer, Posting, Timebank


@admin.register(Timebank)
class TimebankAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "needs_broker_approval", "welcome_hours", "is_demo"]
    filter_horizontal = ["brokers"]
    readonly_fields = ["ledger"]
    prepopulated_fields = {"slug": ["name"]}

    def has_add_permission(self, request):
        return False  # a timebank is made with its ledger by services.create_timebank


@admin.register(Ledger)
class LedgerAdmin(admin.ModelAdmin):
    """Balance limits are edited here; nothing else about a ledger changes."""

    list_display = ["name", "unit", "min_balance", "max_balance"]
    fields = ["name", "unit", "min_balance", "max_balance"]
    readonly_fields = ["unit"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PostingInline(admin.TabularInline):
    model = Posting
    fields = ["account", "amount"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ["pk", "ledger", "kind", "memo", "recorded_at", "recorded_by"]
    list_filter = ["ledger", "kind"]
    inlines = [PostingInline]


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ["name", "ledger", "kind", "balance"]
    list_filter = ["ledger", "kind"]
    search_fields = ["name"]


class PartnerOfferInline(admin.TabularInline):
    model = PartnerOffer
    extra = 1


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "scheme", "organisation"]
    readonly_fields = ["account"]
    inlines = [PartnerOfferInline]

    def has_add_permission(self, request):
        return False  # a partner is made with its account by services.add_partner


@admin.register(CreditScheme)
class CreditSchemeAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "is_demo"]
    filter_horizontal = ["awarding_organisations"]
    readonly_fields = ["ledger"]

    def has_add_permission(self, request):
        return False
