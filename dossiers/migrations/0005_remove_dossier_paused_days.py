"""``paused_days`` was written on each supplement and never read: the clock restarts in full on
supplement (dossiers/clock.py), so no deadline needs it, and the time spent waiting for the
citizen is in the append-only history (request_supplement → supplement rows, the control
sheet), which a second, drifting copy only contradicted (it also counted waits at reception,
when no clock ran)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("dossiers", "0004_dossier_acknowledge_due_at"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="dossier",
            name="paused_days",
        ),
    ]
