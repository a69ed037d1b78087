"""No 500s across sequences of API calls: schemathesis' state machine chains the
operations of the OpenAPI schema — create a record, read it back, change it, list its
children, delete it — and checks every response as the stateless fuzz does (no server
error, a documented or standard status, a body that conforms to the schema).

The links between operations are inferred by schemathesis (dependency analysis of the
schema: ``POST /api/v1/units/`` produces the ``id`` that ``GET/PATCH/PUT/DELETE
/api/v1/units/{id}/`` and ``.../children/`` consume, and so on), so no link has to be
maintained by hand in the schema. The calls are made as an archivist with write
permissions (a staff member of the Administrator group, not a superuser), in-process
against the WSGI application and the test database, through hypothesis'
``run_state_machine_as_test`` (schemathesis' pytest plugin does not run under pytest 9).
Bounded: a few dozen scenarios of a few steps each.

Steps use both schema-valid and schema-violating data. A violating request answered
with 200 is not counted as a failure (``negative_data_rejection`` is off): DRF
deliberately ignores a nonsensical ``page_size`` or ``page`` and falls back to the
default page, which is lenient, not broken. Server errors and responses that do not
match the schema still fail the run.
"""

from collections import Counter

import pytest
from django.db import transaction
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi.checks import negative_data_rejection

from tests.factories import staff_in_group
from tests.security.test_api_fuzz import EXCLUDED_CHECKS, documented_or_standard_status

SCENARIOS = 40
STEPS = 10


def archivist_token() -> str:
    user = staff_in_group("Administrator", username="stateful-archivist")
    assert not user.is_superuser
    return Token.objects.create(user=user).key


def run_stateful(schema, headers) -> tuple[Counter, int]:
    """Run the state machine; returns how often each (operation, status) was seen, and
    the number of links (transitions between operations) it could follow."""
    seen: Counter = Counter()
    base = schema.as_state_machine()  # infers and injects the links
    transitions = schema.statistic.transitions.total

    class Workflow(base):
        # Each scenario starts from the same catalogue: hypothesis replays a failing
        # scenario to report it, and a replay over a changed database diverges.
        def setup(self):
            self.scenario = transaction.atomic()
            self.scenario.__enter__()

        def teardown(self):
            transaction.set_rollback(True)
            self.scenario.__exit__(None, None, None)

        def get_call_kwargs(self, case):
            return {"headers": headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            seen[(case.operation.label, response.status_code)] += 1
            case.validate_response(
                response,
                excluded_checks=[*EXCLUDED_CHECKS, negative_data_rejection],
                additional_checks=[documented_or_standard_status],
                transport_kwargs=kwargs,
            )

    run_state_machine_as_test(
        Workflow,
        settings=settings(
            max_examples=SCENARIOS,
            stateful_step_count=STEPS,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
            phases=[Phase.explicit, Phase.generate],
        ),
    )
    return seen, transitions


def test_api_workflows_as_an_archivist_cause_no_server_error(api_schema):
    seen, transitions = run_stateful(api_schema, {"Authorization": f"Token {archivist_token()}"})
    assert transitions >= 50, "links between operations were not inferred"
    calls = sum(seen.values())
    operations = {op for (op, _status) in seen}
    print(
        f"\nstateful: {transitions} links, {len(operations)} operations reached, "
        f"{calls} calls, statuses {sorted(Counter(s for (_op, s) in seen.elements()).items())}"
    )
    assert not [key for key in seen if key[1] >= 500]
    # The run really wrote: records were created and then used by later steps.
    created = {op for (op, status) in seen if op.startswith("POST") and status == 201}
    assert created, seen
    followed = {op for (op, status) in seen if "{id}" in op and status < 300}
    assert followed, seen
    assert calls >= SCENARIOS


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["doc_type", "collection", "classification"])
def test_nul_in_a_vocabulary_term_is_a_400_not_a_500(client, field):
    """Found by the stateful run on PostgreSQL: ``{"doc_type": "í\\u0000"}`` reached the
    term lookup, which PostgreSQL refuses (a 500)."""
    client.force_login(staff_in_group("Administrator", username="nul-archivist"))
    client.raise_request_exception = False
    response = client.post(
        "/api/v1/documents/", {"title": "NUL test", field: "í\x00"}, content_type="application/json"
    )
    assert response.status_code == 400, response.content[:300]
    assert field in response.json()


@pytest.mark.django_db
def test_nul_in_a_list_of_terms_is_a_400_not_a_500(client):
    client.force_login(staff_in_group("Administrator", username="nul-archivist"))
    client.raise_request_exception = False
    for field in ("caveats", "subjects"):
        response = client.post(
            "/api/v1/documents/",
            {"title": "NUL test", field: ["a\x00"]},
            content_type="application/json",
        )
        assert response.status_code == 400, response.content[:300]
        assert field in response.json()
