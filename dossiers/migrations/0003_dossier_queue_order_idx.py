from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("dossiers", "0002_dossier_fee_exemption_alter_dossiertransition_action"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(fields=["current_unit", "due_date", "submitted_at", "id", "state"],
                               name="dossier_queue_order_idx"),
        ),
    ]
