"""Fixtures of the hub simulator for the tests that speak to it: `pytest_plugins = ["tests.support.hub_fixtures"]`.

One simulator and one node client per module (the TLS keys and the WSDL are made and read once); each
test gets the simulator with an empty state (`hub`).
"""
from __future__ import annotations

import pytest

from data.exchange.hub_client import HubClient, HubSettings
from tests.support.hub_simulator import HubSimulator, HubState, make_pki


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return make_pki(tmp_path_factory.mktemp("hub"))


@pytest.fixture(scope="module")
def simulator(pki):
    hub = HubSimulator(pki).start()
    yield hub
    hub.stop()


@pytest.fixture
def hub(simulator):
    simulator.state = HubState()  # each test meets a hub that knows nothing yet
    return simulator


@pytest.fixture(scope="module")
def node(pki, simulator):
    client = HubClient(HubSettings(simulator.url, pki.client_cert, pki.client_key, pki.ca, timeout=5))
    yield client
    client.close()
