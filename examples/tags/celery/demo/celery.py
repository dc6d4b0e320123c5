"""The Celery app: broker from CELERY_BROKER_URL (the env file), tasks in notes.tasks.

Run a worker with `python -m celery -A demo worker` and beat with
`python -m celery -A demo beat` from the release directory.
"""
import os
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo.settings")

import django  # noqa: E402

django.setup()  # reads DJANGO_ENV_FILE, so the broker URL below is in os.environ

from celery import Celery  # noqa: E402
from celery.signals import worker_shutting_down  # noqa: E402

app = Celery("demo", broker=os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0"))
app.conf.update(
    task_ignore_result=True,
    # a task is acknowledged when it finished, so a worker that stops mid-task leaves it queued
    task_acks_late=True,
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
    beat_schedule={
        "beat-tick": {"task": "notes.tasks.beat_tick", "schedule": 2.0},
    },
)
app.autodiscover_tasks(["notes"])


@worker_shutting_down.connect
def _shutting_down(sig=None, how=None, exitcode=None, **kwargs):
    """Record when a worker was told to stop (TERM: warm shutdown), for the tests."""
    jobs = os.environ.get("JOBS_DIR")
    if jobs:
        Path(jobs, "shutdown-%d" % os.getpid()).write_text("%s %s %.3f\n" % (sig, how, time.time()))
