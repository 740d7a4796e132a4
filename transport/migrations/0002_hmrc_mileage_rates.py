"""HMRC's approved mileage allowance payments for cars and vans: 45p a mile for the first 10,000
business miles in a tax year, 25p a mile after, in force from 6 April 2011. An administrator adds
a new row (from the day it applies) when HMRC changes them."""

from datetime import date
from decimal import Decimal

from django.db import migrations


def seed_hmrc_rates(apps, schema_editor):
    MileageRate = apps.get_model("transport", "MileageRate")
    MileageRate.objects.get_or_create(
        applies_from=date(2011, 4, 6),
        defaults={"first_rate": Decimal("0.45"), "later_rate": Decimal("0.25"), "threshold_miles": 10000},
    )


class Migration(migrations.Migration):
    dependencies = [("transport", "0001_initial")]

    operations = [migrations.RunPython(seed_hmrc_rates, migrations.RunPython.noop)]
