"""A partner on another stack: a Python client generated from
pkg-template/openapi.json alone (openapi-python-client, pinned in
xtask/src/openapi_clients.rs), one create-and-read per resource against
peeker-sandbox. Run by `cargo xtask test`: `python roundtrip.py BASE_URL` with
the generated package `peeker_api` on PYTHONPATH."""

import sys
import time
import traceback

from peeker_api import AuthenticatedClient
from peeker_api.api.bundles import create_bundle, retrieve_bundle
from peeker_api.api.forwarding import create_forwarding, retrieve_forwarding
from peeker_api.api.imports import import_domains, retrieve_import
from peeker_api.api.orders import create_order, list_orders
from peeker_api.api.swaps import create_swap, retrieve_swap
from peeker_api.api.users import create_user, retrieve_user
from peeker_api.models import (
    BundleOrder,
    CreateBundle,
    CreateSwap,
    CreateUser,
    ErrorEnvelope,
    ForwardingRequest,
    ImportRequest,
    OrderSequencer,
    OrderSequencerProvider,
    Persona,
    UserSequencer,
    UserSequencerProvider,
)

client = AuthenticatedClient(base_url=sys.argv[1], token="pk_test_openapi_python", raise_on_unexpected_status=True)
passed = failed = 0
state = {}


def step(name):
    def run(body):
        global passed, failed
        try:
            body()
            passed += 1
            print(f"ok - {name}")
        except Exception:  # noqa: BLE001 - every failure is reported, the run goes on
            failed += 1
            print(f"not ok - {name}: {traceback.format_exc()}")

    return run


def ok(response, status):
    """The answer's `data`, after checking the status and the parsed type."""
    assert response.status_code == status, f"status {response.status_code}, wanted {status}: {response.content!r}"
    assert not isinstance(response.parsed, ErrorEnvelope), response.parsed
    return response.parsed.data


@step("bundle: create and read")
def _():
    created = ok(create_bundle.sync_detailed(client=client, body=CreateBundle(name="py bundle", monthly_sending_volume=1000)), 201)
    read = ok(retrieve_bundle.sync_detailed(created.id, client=client), 200)
    assert read.id == created.id and read.name == "py bundle", read
    assert read.required_domains is not None
    state["bundle"] = read


@step("user: create and read")
def _():
    body = CreateUser(email="py-kate@example.com", sequencer=UserSequencer(provider=UserSequencerProvider.SMARTLEAD, client_id=None))
    created = ok(create_user.sync_detailed(client=client, body=body), 201)
    read = ok(retrieve_user.sync_detailed(created.id, client=client), 200)
    assert read.id == created.id and read.email == "py-kate@example.com", read
    state["user"] = read


@step("import: create and read")
def _():
    created = ok(import_domains.sync_detailed(client=client, body=ImportRequest(domains=["py-imported.com"])), 200)
    read = ok(retrieve_import.sync_detailed(created.id, client=client), 200)
    assert read.id == created.id, read
    assert [row.domain for row in read.domains] == ["py-imported.com"], read.domains


@step("order (bundle shape): create and read")
def _():
    bundle, user = state["bundle"], state["user"]
    need = bundle.required_domains.google + bundle.required_domains.microsoft
    state["domains"] = [f"py-order-{i}.com" for i in range(need)]
    body = BundleOrder(
        user=user.id,
        bundle_id=bundle.id,
        sequencer=OrderSequencer(
            provider=OrderSequencerProvider.SMARTLEAD, client_id=None, login_email="ops@example.com", login_password="secret-pw"
        ),
        domains=state["domains"],
        personas=[Persona(first_name="Kate", last_name="Lee", profile_picture_url=None)],
    )
    created = ok(create_order.sync_detailed(client=client, body=body), 200)
    # No GET /orders/{id}: read it from the user's orders, until it completes.
    for _ in range(300):
        rows = ok(list_orders.sync_detailed(client=client, user_id=user.id), 200)
        row = next((o for o in rows if o.id == created.id), None)
        assert row is not None, f"order {created.id} not listed"
        if row.to_dict()["status"] == "completed":
            return
        time.sleep(0.1)
    raise AssertionError(f"order still {row.to_dict()['status']}")


@step("forwarding: create and read")
def _():
    body = ForwardingRequest(domains=[state["domains"][0]], forwarding_url="https://example.com/")
    created = ok(create_forwarding.sync_detailed(client=client, body=body), 202)
    read = ok(retrieve_forwarding.sync_detailed(created.id, client=client), 200)
    assert read.id == created.id, read


@step("swap: create and read")
def _():
    body = CreateSwap(type_="standard", domain_id=state["domains"][0], replacement_domain="py-swapped-in.com")
    created = ok(create_swap.sync_detailed(client=client, body=body), 201)
    read = ok(retrieve_swap.sync_detailed(created.id, client=client), 200)
    assert read.id == created.id and read.replacement_domain == "py-swapped-in.com", read


@step("an error answer is the typed envelope; a code this version does not know still decodes")
def _():
    r = retrieve_bundle.sync_detailed("bun_missing", client=client)
    assert r.status_code == 404 and isinstance(r.parsed, ErrorEnvelope), r
    assert r.parsed.error.to_dict()["code"] == "not_found", r.parsed
    newer = ErrorEnvelope.from_dict({"error": {"code": "quota_exhausted", "message": "newer"}})
    assert newer.error.code == "quota_exhausted", newer


print(f"{passed} passed, {failed} failed")
sys.exit(0 if failed == 0 else 1)
