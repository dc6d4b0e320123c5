"""Tag `halfway`: a non-atomic migration that fails after its first operation.

atomic = False, so the CreateModel is committed on its own; the RunSQL then fails (the table
it writes to does not exist). The database keeps notes_tag while django_migrations does not
record 0003: the "migration failed halfway" fault of the reliability suite.
"""
from django.db import migrations, models


class Migration(migrations.Migration):

    atomic = False

    dependencies = [
        ("notes", "0002_note_body"),
    ]

    operations = [
        migrations.CreateModel(
            name="Tag",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=50)),
            ],
        ),
        migrations.RunSQL(
            "INSERT INTO notes_table_that_does_not_exist (name) VALUES ('x')",
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
