from django.contrib import admin

from .models import LSOA, LocalAuthority, Neighbourhood, Postcode, Ward


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Ward)
class WardAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "local_authority"]
    search_fields = ["code", "name"]


@admin.register(LSOA)
class LSOAAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "imd_decile", "imd_rank"]
    list_filter = ["imd_decile"]
    search_fields = ["code", "name"]


@admin.register(Postcode)
class PostcodeAdmin(admin.ModelAdmin):
    list_display = ["postcode", "ward", "lsoa", "latitude", "longitude", "terminated_on"]
    search_fields = ["postcode"]
    list_select_related = ["ward", "lsoa"]
    raw_id_fields = ["lsoa", "ward", "local_authority"]


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["lsoas", "wards"]
