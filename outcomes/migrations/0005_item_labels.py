from django.db import migrations, models

# The shipped instruments' items, as they were first loaded: their short names for reports.
SHIPPED_LABELS = {
    ("ons4", "satisfied"): "Life satisfaction",
    ("ons4", "worthwhile"): "Worthwhile",
    ("ons4", "happy"): "Happiness",
    ("ons4", "anxious"): "Anxiety",
    ("ucla3", "companionship"): "Lack companionship",
    ("ucla3", "left_out"): "Feel left out",
    ("ucla3", "isolated"): "Feel isolated",
    ("ons_loneliness", "lonely"): "How often lonely",
}


def label_shipped_items(apps, schema_editor):
    Item = apps.get_model("outcomes", "Item")
    for item in Item.objects.filter(instrument__is_builtin=True, instrument__version=1).select_related(
        "instrument"
    ):
        label = SHIPPED_LABELS.get((item.instrument.code, item.code))
        if label:
            item.label = label
            item.save(update_fields=["label"])


class Migration(migrations.Migration):
    dependencies = [
        ("outcomes", "0004_goal_ratings"),
    ]

    operations = [
        migrations.AddField(
            model_name="item",
            name="label",
            field=models.CharField(
                blank=True,
                help_text="A short name for reports and charts, such as “Anxiety”.",
                max_length=60,
            ),
        ),
        migrations.RunPython(label_shipped_items, migrations.RunPython.noop),
    ]
