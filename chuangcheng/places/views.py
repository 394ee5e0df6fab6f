from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def map_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "places/map.html",
        {"center": [settings.MAP_CENTER_LAT, settings.MAP_CENTER_LON], "tile_url": settings.MAP_TILE_URL},
    )
