"""UK geography from published open data: postcodes, LSOAs, wards, local authorities.

Codes are the ONS GSS codes (E01… LSOA, E05… ward, E08… local authority) and are
the primary keys, so re-importing a newer file updates rows in place.
"""

from django.db import models


class LocalAuthority(models.Model):
    code = models.CharField(max_length=9, primary_key=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"

    def __str__(self) -> str:
        return self.name


class Ward(models.Model):
    code = models.CharField(max_length=9, primary_key=True)
    name = models.CharField(max_length=100)
    local_authority = models.ForeignKey(
        LocalAuthority, null=True, blank=True, on_delete=models.PROTECT, related_name="wards"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LSOA(models.Model):
    """A Lower layer Super Output Area, with its Index of Multiple Deprivation 2019 figures.

    IMD 2019 is published for 2011 LSOAs. An LSOA created in 2021 has no IMD
    figures, so ``imd_rank`` and ``imd_decile`` stay empty rather than guessed.
    """

    code = models.CharField(max_length=9, primary_key=True)
    name = models.CharField(max_length=100, blank=True)
    local_authority = models.ForeignKey(
        LocalAuthority, null=True, blank=True, on_delete=models.PROTECT, related_name="lsoas"
    )
    imd_rank = models.PositiveIntegerField(
        null=True, blank=True, help_text="IMD 2019 rank; 1 is the most deprived LSOA in England."
    )
    imd_decile = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="IMD 2019 decile; 1 is the most deprived 10% in England."
    )

    class Meta:
        ordering = ["code"]
        verbose_name = "LSOA"
        verbose_name_plural = "LSOAs"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(imd_decile__isnull=True) | models.Q(imd_decile__gte=1, imd_decile__lte=10),
                name="lsoa_imd_decile_1_to_10",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name or self.code}"


class Postcode(models.Model):
    """A postcode centroid, stored in its normalised form ("M15 4AB")."""

    postcode = models.CharField(max_length=8, primary_key=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    lsoa = models.ForeignKey(LSOA, null=True, blank=True, on_delete=models.PROTECT, related_name="postcodes")
    ward = models.ForeignKey(Ward, null=True, blank=True, on_delete=models.PROTECT, related_name="postcodes")
    local_authority = models.ForeignKey(
        LocalAuthority, null=True, blank=True, on_delete=models.PROTECT, related_name="postcodes"
    )
    terminated_on = models.DateField(
        null=True, blank=True, help_text="When Royal Mail stopped using this postcode."
    )

    class Meta:
        ordering = ["postcode"]
        indexes = [models.Index(fields=["latitude", "longitude"], name="postcode_lat_lon")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True) | models.Q(latitude__gte=-90, latitude__lte=90),
                name="postcode_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True)
                | models.Q(longitude__gte=-180, longitude__lte=180),
                name="postcode_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return self.postcode

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class Neighbourhood(models.Model):
    """An area a neighbourhood team works in: a named set of LSOAs and/or wards."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    lsoas = models.ManyToManyField(LSOA, blank=True, related_name="neighbourhoods")
    wards = models.ManyToManyField(Ward, blank=True, related_name="neighbourhoods")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DistrictSummary(models.Model):
    """The district's figures (neighbourhoods, wards, deprivation), computed once per import.

    Counting deprivation across every neighbourhood takes a noticeable fraction of a second over
    a whole district, so the import commands compute it when the geography changes and the
    district page reads the stored result. There is one row: ``pk`` is always 1.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    figures = models.JSONField(help_text="What places.selectors.district_overview() gave.")
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "district summary"
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="district_summary_single_row")]

    def __str__(self) -> str:
        return f"District figures computed {self.computed_at:%d %B %Y %H:%M}"
