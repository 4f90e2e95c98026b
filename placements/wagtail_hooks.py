from wagtail import hooks

from placements.views_admin import PlacementsViewSetGroup


@hooks.register("register_admin_viewset")
def register_placements_viewsets():
    return PlacementsViewSetGroup()
