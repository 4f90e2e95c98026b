from django.db import migrations

# Frozen here so the migration keeps meaning the same as users/languages.py grows.
CODES = [
    "am", "ar", "bn", "bs", "ckb", "de", "el", "en", "es", "fa", "fi", "fit", "fr",
    "hi", "hr", "it", "kmr", "ku", "mk", "nl", "no", "pl", "prs", "ps", "pt", "ro",
    "rom", "ru", "se", "so", "sq", "sr", "sv", "sw", "th", "ti", "tr", "uk", "ur",
    "vi", "yi", "zh",
]


def add_languages(apps, schema_editor):
    Language = apps.get_model("users", "Language")
    for code in CODES:
        Language.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("users", "0001_initial")]
    operations = [migrations.RunPython(add_languages, migrations.RunPython.noop)]
