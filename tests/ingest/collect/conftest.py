import pytest

from tests.fake_province import ThreadedServer, serve_province


@pytest.fixture(scope="module")
def province():
    """(server, state) of the fake province; `state` lets a test change a page."""
    threaded = ThreadedServer()
    state: dict = {}
    serve_province(threaded.server, state)
    yield threaded.server, state
    threaded.stop()
