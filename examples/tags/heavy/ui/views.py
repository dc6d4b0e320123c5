"""The about page: uses the site's third-party requirements the way a real site's views do."""
import jinja2
import markdown
import requests
import yaml
from dateutil import parser as dateparser
from django.http import HttpResponse
from django.views.decorators.http import require_GET

ABOUT = yaml.safe_load(
    """
title: About this demo
updated: "2026-01-08T00:00:00Z"
body: |
  This page is rendered with **Markdown**, its facts come from *YAML*,
  and its frame is a Jinja2 template.
"""
)

_page = jinja2.Environment(autoescape=True).from_string(
    "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{{ title }}</title></head>"
    "<body><h1>{{ title }}</h1>{{ body|safe }}<p class=\"updated\">updated {{ updated }}</p>"
    "<p class=\"client\">outgoing requests say: {{ client }}</p></body></html>"
)


@require_GET
def about(request):
    html = _page.render(
        title=ABOUT["title"],
        body=markdown.markdown(ABOUT["body"]),
        updated=dateparser.isoparse(ABOUT["updated"]).strftime("%d %B %Y"),
        client=requests.utils.default_user_agent(),
    )
    return HttpResponse(html)
