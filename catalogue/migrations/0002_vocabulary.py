"""Controlled vocabularies every installation needs: classification levels in order,
caveats and precedence indicators, and the document types of the FRUS series."""

from django.db import migrations

CLASSIFICATION_LEVELS = [
    ("No classification marking", 0, False, "The document bears no classification marking."),
    ("Unclassified", 10, True, ""),
    ("Official Use Only", 20, True, ""),
    ("Limited Official Use", 25, True, ""),
    ("Confidential", 30, True, ""),
    ("Secret", 40, True, ""),
    ("Top Secret", 50, True, ""),
]

CAVEATS = [
    ("Eyes Only", "caveat"),
    ("Limited Distribution", "distribution"),
    ("Exdis", "distribution"),
    ("Nodis", "distribution"),
    ("Limdis", "distribution"),
    ("Verbatim Text", "handling"),
    ("Personal and Confidential", "caveat"),
    ("Niact", "precedence"),
    ("Flash", "precedence"),
    ("Operational Immediate", "precedence"),
    ("Immediate", "precedence"),
    ("Priority", "precedence"),
    ("Routine", "precedence"),
]

DOCUMENT_TYPES = [
    ("telegram", "Telegram"),
    ("circular_telegram", "Circular telegram"),
    ("airgram", "Airgram"),
    ("memorandum_of_telephone_conversation", "Memorandum of telephone conversation"),
    ("memorandum_of_conversation", "Memorandum of conversation"),
    ("memorandum", "Memorandum"),
    ("memorandum_for_the_record", "Memorandum for the record"),
    ("letter", "Letter"),
    ("message", "Message"),
    ("notes", "Notes"),
    ("paper", "Paper"),
    ("summary_record", "Summary record"),
    ("record_of_meeting", "Record of meeting"),
    ("minutes", "Minutes"),
    ("editorial_note", "Editorial note"),
    ("instruction", "Instruction"),
    ("report", "Report"),
    ("other", "Other"),
]


def load(apps, schema_editor):
    ClassificationLevel = apps.get_model("catalogue", "ClassificationLevel")
    Caveat = apps.get_model("catalogue", "Caveat")
    DocumentType = apps.get_model("catalogue", "DocumentType")
    from django.utils.text import slugify

    for name, rank, is_marking, description in CLASSIFICATION_LEVELS:
        ClassificationLevel.objects.update_or_create(
            name=name,
            defaults={
                "rank": rank,
                "is_marking": is_marking,
                "description": description,
                "slug": slugify(name),
            },
        )
    for name, kind in CAVEATS:
        Caveat.objects.update_or_create(name=name, defaults={"kind": kind, "slug": slugify(name)})
    for key, label in DOCUMENT_TYPES:
        DocumentType.objects.update_or_create(key=key, defaults={"label": label})


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
