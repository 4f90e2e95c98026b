from wagtail import hooks

from reports.views_admin import ProgrammeReportsViewSetGroup


@hooks.register("register_admin_viewset")
def register_reports_viewsets():
    return ProgrammeReportsViewSetGroup()
