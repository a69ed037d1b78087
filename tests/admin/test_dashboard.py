import io

import pytest
from django.urls import reverse
from PIL import Image

from catalogue import models as m
from catalogue.services.media import ingest_page_image
from tests.factories import (
    AgentFactory,
    DocumentFactory,
    DraftDocumentFactory,
    SuperuserFactory,
    UserFactory,
    staff_in_group,
)

pytestmark = pytest.mark.django_db

URL = "/admin/catalogue/document/dashboard/"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def counts(response) -> dict[str, tuple[int, str]]:
    return {
        label: (count, url)
        for _, rows in response.context["sections"]
        for label, count, url in rows
    }


def make_problems(n: int):
    """n of each kind of problem, plus records that are fine."""
    DocumentFactory.create_batch(2)  # complete, published
    for _ in range(n):
        DocumentFactory(date=None, date_precision=m.DatePrecision.UNKNOWN)
        DocumentFactory(classification=None)
        DocumentFactory(unit=None)
        DraftDocumentFactory()
        DraftDocumentFactory(status=m.PublicationStatus.IN_REVIEW)
        m.AuthorityReview.objects.create(kind="unresolved", name="Sec", agent=AgentFactory())
        m.AuthorityReview.objects.create(
            kind="proposed_merge", name="Ball", agent=AgentFactory(), candidate=AgentFactory()
        )
        out = io.BytesIO()
        Image.new("RGB", (20, 20)).save(out, "PNG")
        page = ingest_page_image(document=DocumentFactory(), upload=out.getvalue())
        m.FixityCheck.objects.create(
            digital_object=page, outcome="missing", expected=page.checksum_sha256
        )
    # resolved things do not count: a closed review, and a failure cleared by a later check
    m.AuthorityReview.objects.create(kind="unresolved", name="Old", status="accepted")
    page = m.DigitalObject.objects.first()
    m.FixityCheck.objects.create(
        digital_object=page, role="thumbnail", outcome="changed", expected="a", actual="b"
    )
    m.FixityCheck.objects.create(
        digital_object=page, role="thumbnail", outcome="ok", expected="a", actual="a"
    )


def test_dashboard_counts_and_links(admin_client):
    make_problems(2)
    response = admin_client.get(reverse("admin:catalogue_dashboard"))
    assert response.status_code == 200
    found = counts(response)
    expected = {
        "Documents without a date": 2,
        "Documents without a classification": 2,
        "Documents without a source location (archival unit)": 2,
        "Drafts": 2,
        "In review, awaiting a reviewer": 2,
        "Unresolved names from imports": 2,
        "Proposed merges": 2,
        "Stored files whose latest fixity check failed": 2,
    }
    for label, count in expected.items():
        assert found[label][0] == count, label
        # each number opens the admin list of exactly those records
        page = admin_client.get(found[label][1])
        assert page.status_code == 200, found[label][1]
        assert page.context["cl"].result_count == count, label


def test_dashboard_query_count_does_not_grow(django_assert_num_queries):
    client_user = SuperuserFactory()
    from django.test import Client

    client = Client()
    client.force_login(client_user)
    make_problems(1)
    with django_assert_num_queries(5):  # session, user, documents, reviews, fixity
        client.get(URL)
    make_problems(3)
    with django_assert_num_queries(5):
        client.get(URL)


def test_index_links_to_dashboard(admin_client):
    assert URL in admin_client.get(reverse("admin:index")).content.decode()


def test_dashboard_needs_staff_with_view_permission(client):
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 302  # not staff: sent to the login page
    client.force_login(staff_in_group("Cataloguer"))
    assert client.get(URL).status_code == 200
