"""A client that signs in by itself, as Claude's remote connectors do: the MCP SDK's OAuth
client meets the real program's 401, reads its Protected Resource Metadata, then the
issuer's metadata, registers, sends the user to the identity provider (who consents),
trades the code for a token with PKCE, and calls tools with it. The server's metadata alone
must lead it there: the scopes it asks for come from `scopes_supported`, and the token's
audience from `resource`."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import anyio
import httpx2
import pytest
from mcp import Client
from mcp.client.auth import OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientInformationFull, OAuthClientMetadata
from mcp.shared.auth import OAuthToken as Tokens

from tests.deploy.cluster import free_port
from tests.e2e.program import Running, running_server
from tests.oauth.idp import IdentityProvider, running_idp
from tests.oauth.sign_in import SignIn
from tests.waiting import until

pytestmark = pytest.mark.anyio
CHECKOUT_ID = "4505321021243393"  # server/demo/data.py PROJECTS
CALLBACK = "http://127.0.0.1:9/callback"  # never reached: the test reads the redirect itself


class Memory:
    """The SDK's TokenStorage, in memory."""

    def __init__(self) -> None:
        self.tokens: Tokens | None = None
        self.client: OAuthClientInformationFull | None = None

    async def get_tokens(self) -> Tokens | None:
        return self.tokens

    async def set_tokens(self, tokens: Tokens) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client = client_info


class Browser:
    """The user's browser: opens the authorization URL (the user consents at once) and hands
    the redirect's code back to the client."""

    def __init__(self) -> None:
        self.result: AuthorizationCodeResult | None = None

    async def open(self, url: str) -> None:
        async with httpx2.AsyncClient(timeout=30) as http:
            answer = await http.get(url)
        assert answer.status_code == 302, answer.text
        location = answer.headers["location"]
        assert location.startswith(CALLBACK)
        query = parse_qs(urlsplit(location).query)
        self.result = AuthorizationCodeResult(code=query["code"][0], state=query["state"][0])

    async def callback(self) -> AuthorizationCodeResult:
        assert self.result is not None, "the user was never sent to sign in"
        return self.result


@pytest.fixture(scope="module")
def sign_in() -> SignIn:
    return SignIn(user="carol@example.com", claims={"sentry_projects": ["checkout"]})


@pytest.fixture(scope="module")
def provider(sign_in: SignIn) -> Iterator[IdentityProvider]:
    with running_idp(prepare=sign_in.install) as idp:
        yield idp


@pytest.fixture(scope="module")
def program(provider: IdentityProvider) -> Iterator[Running]:
    port = free_port()
    audience = f"http://127.0.0.1:{port}/mcp"
    with running_server(
        "streamable-http",
        *("--port", str(port), "--oauth-issuer", provider.issuer, "--oauth-audience", audience),
        *("--oauth-projects-claim", "sentry_projects", "--log-level", "INFO"),
    ) as running:
        assert running.endpoint == audience
        yield running


def signing_in_client(running: Running, browser: Browser, storage: Memory) -> Client:
    oauth = OAuthClientProvider(
        server_url=running.endpoint,
        client_metadata=OAuthClientMetadata(
            client_name="sign-in test",
            redirect_uris=[CALLBACK],  # type: ignore[list-item]  # pydantic reads the URL
            grant_types=["authorization_code"],
            response_types=["code"],
            token_endpoint_auth_method="none",
        ),
        storage=storage,
        redirect_handler=browser.open,
        callback_handler=browser.callback,
    )
    http = httpx2.AsyncClient(auth=oauth, timeout=httpx2.Timeout(30, read=60))
    return Client(streamable_http_client(running.endpoint, http_client=http))


async def test_a_client_signs_in_by_itself_from_the_servers_metadata(
    sign_in: SignIn, program: Running
):
    browser, storage = Browser(), Memory()
    with anyio.fail_after(90):
        async with signing_in_client(program, browser, storage) as client:
            names = {tool.name for tool in (await client.list_tools()).tools}
            listed = await client.call_tool("list_replays", {"limit": 50, "stats_period": "90d"})
    # It asked for what the metadata offers, for this server, and got a token for it.
    assert len(sign_in.asked) == 1
    asked = sign_in.asked[0]
    assert asked["scope"].split() == ["replays:read", "replays:delete"]
    assert asked["resource"] == program.endpoint
    assert asked["code_challenge_method"] == "S256"
    assert storage.tokens is not None and storage.client is not None
    # The token works, with the user's scopes and claims.
    assert "delete_replay" in names and "list_replays" in names
    rows = listed.structured_content["replays"]
    assert rows and {row["project_id"] for row in rows} == {CHECKOUT_ID}
    called = '"carol@example.com" calls list_replays'
    assert await until(lambda: called in program.stderr()), program.stderr()
    assert storage.tokens.access_token not in program.stderr()


async def test_a_token_for_another_server_is_not_taken_by_this_one(
    sign_in: SignIn, provider: IdentityProvider, program: Running
):
    """The same user's token, issued for another resource, is refused (RFC 8707)."""
    other = provider.sign("https://other.example.com/mcp", sub=sign_in.user, **sign_in.claims)
    async with httpx2.AsyncClient(timeout=30) as http:
        answer = await http.post(
            program.endpoint,
            json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
            headers={"Authorization": f"Bearer {other}", "Accept": "application/json"},
        )
    assert answer.status_code == 401
    assert 'error="invalid_token"' in answer.headers["www-authenticate"]
