import os
import time
from pathlib import Path

from celery import shared_task

from .views import release_id


def _jobs_dir():
    path = Path(os.environ.get("JOBS_DIR", "jobs"))
    path.mkdir(parents=True, exist_ok=True)
    return path


@shared_task
def record(job, sleep=0):
    """Writes JOBS_DIR/<job>: the release this worker runs and when it finished."""
    jobs = _jobs_dir()
    (jobs / (job + ".started")).write_text("%s %.3f\n" % (release_id(), time.time()))
    time.sleep(float(sleep))
    tmp = jobs / (job + ".tmp")
    tmp.write_text("%s %.3f\n" % (release_id(), time.time()))
    tmp.rename(jobs / job)


@shared_task
def beat_tick():
    """Sent every 2 s by beat; the worker that runs it notes the release it runs."""
    (_jobs_dir() / "beat-tick").write_text("%s %.3f\n" % (release_id(), time.time()))
