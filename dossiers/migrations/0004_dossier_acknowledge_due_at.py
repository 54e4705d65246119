"""The acknowledgement deadline of online filings (dossiers/clock.py), backfilled for dossiers
still waiting for reception, and the queue index extended so the late-to-acknowledge counts
stay index-only."""

import datetime

from django.db import migrations, models


def backfill(apps, schema_editor):
    from dossiers.calendar import WorkingTime, acknowledge_by

    Dossier = apps.get_model("dossiers", "Dossier")
    Transition = apps.get_model("dossiers", "DossierTransition")
    CalendarException = apps.get_model("dossiers", "CalendarException")
    waiting = list(Dossier.objects.filter(state="submitted", submitted_at__isnull=False)
                   .only("pk", "submitted_at"))
    if not waiting:
        return
    # A supplement asked for at reception restarts the deadline when the citizen supplies it.
    restarted = dict(Transition.objects.filter(dossier_id__in=[d.pk for d in waiting],
                                               action="supplement")
                     .values("dossier_id").annotate(last=models.Max("created_at"))
                     .values_list("dossier_id", "last"))
    exceptions = dict(CalendarException.objects.values_list("date", "kind"))
    start = min(d.submitted_at for d in waiting).date() - datetime.timedelta(days=1)
    working_time = WorkingTime(start, start, exceptions=exceptions)
    for dossier in waiting:
        dossier.acknowledge_due_at = acknowledge_by(
            restarted.get(dossier.pk) or dossier.submitted_at, working_time=working_time)
    Dossier.objects.bulk_update(waiting, ["acknowledge_due_at"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("dossiers", "0003_dossier_queue_order_idx"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="acknowledge_due_at",
            field=models.DateTimeField(blank=True, help_text="Hồ sơ trực tuyến phải được tiếp nhận hoặc yêu cầu bổ sung trước thời điểm này (tính theo giờ làm việc).", null=True, verbose_name="hạn tiếp nhận"),
        ),
        migrations.RemoveIndex(
            model_name="dossier",
            name="dossier_queue_idx",
        ),
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(fields=["current_unit", "state", "due_date", "acknowledge_due_at"], name="dossier_queue_idx"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
