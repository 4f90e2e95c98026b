import pytest
from wagtail.models import Page, Site

from courses.models import HomePage

pytestmark = pytest.mark.django_db


def test_the_catalogue_home_page_is_the_site_root():
    site = Site.objects.get(is_default_site=True)

    assert isinstance(site.root_page.specific, HomePage)
    assert site.root_page.get_parent().is_root()


def test_home_page_is_served(client):
    response = client.get("/")

    assert response.status_code == 200
    assert "Coach Academy" in response.content.decode()


def test_only_one_home_page_per_parent():
    root = Page.get_first_root_node()

    assert not HomePage.can_create_at(root)
