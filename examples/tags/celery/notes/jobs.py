import uuid

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .views import release_id


@csrf_exempt
@require_POST
def enqueue(request):
    """POST /jobs/?sleep=N: enqueues notes.tasks.record; answers the job id and this web release."""
    from demo.celery import app  # noqa: F401 (the app the task is sent with: broker from the env file)

    from .tasks import record

    job = uuid.uuid4().hex
    record.delay(job, float(request.GET.get("sleep", "0")))
    return JsonResponse({"job": job, "release": release_id()}, status=202)
