"""The API tokens of rest_framework.authtoken were stored in plain text and never expired.
They are replaced by django-rest-knox's hashed, expiring tokens (accounts.api.auth); the old
table is dropped so that no usable token stays in the database. Clients sign in again."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0003_user_created_as_staff_in_unit"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", migrations.RunSQL.noop),
    ]
