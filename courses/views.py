from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def dashboard(request):
    """ "My learning": the trainee's courses and where they stand."""
    return render(request, "courses/dashboard.html", {})
