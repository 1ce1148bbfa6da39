"""The program as an OAuth resource server over HTTP (a subprocess, the test identity provider
on another loopback port): the SDK's client signed in with a token calls tools; every bad
token gets 401 with a pointer to the Protected Resource Metadata; a token without
replays:read gets 403; the metadata needs no token."""

from __future__ import annotations

import time
from collections.abc import Iterator

import anyio
import httpx2
import jwt
import pytest

from tests.e2e.program import Running, running_server
from tests.oauth.conftest import AUDIENCE
from tests.oauth.idp import IdentityProvider, new_key
from tests.oauth.serving import (
    METADATA_URL,
    challenge,
    knock,
    resource_server,
    signed_in_client,
)
from tests.oauth.test_verifier import hs256_with
from tests.waiting import until

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def server(idp: IdentityProvider) -> Iterator[Running]:
    with resource_server(idp, "streamable-http") as running:
        yield running


@pytest.mark.parametrize("mode", ["stateful", "stateless", "sse"])
async def test_a_signed_in_client_lists_and_calls_tools(idp: IdentityProvider, mode: str):
    transport = "sse" if mode == "sse" else "streamable-http"
    extra = ("--stateless",) if mode == "stateless" else ()
    audience = AUDIENCE.replace("/mcp", "/sse") if mode == "sse" else AUDIENCE
    with resource_server(idp, transport, *extra) as running:
        with anyio.fail_after(60):
            async with signed_in_client(running, idp.sign(audience)) as client:
                tools = {tool.name for tool in (await client.list_tools()).tools}
                assert {"list_replays", "get_replay", "summarize_replay"} <= tools
                result = await client.call_tool("list_replays", {"limit": 1})
        assert result.is_error is False
        assert len(result.structured_content["replays"]) == 1
        assert f"callers sign in at {idp.issuer})" in running.stderr()  # the serving line
        for token in (None, idp.sign(audience, exp=int(time.time()) - 600)):
            refused = await knock(running, token)
            assert refused.status_code == 401
            pointer = METADATA_URL.replace("/mcp", "/sse") if mode == "sse" else METADATA_URL
            assert challenge(refused)["resource_metadata"] == pointer
        async with httpx2.AsyncClient(base_url=running.base, timeout=30) as http:
            document = await http.get(pointer.replace("https://replays.example.com", ""))
        assert document.status_code == 200 and document.json()["resource"] == audience


def bad_tokens(idp: IdentityProvider) -> dict[str, str]:
    claims = idp.claims(AUDIENCE)
    return {
        "expired": idp.sign(AUDIENCE, exp=int(time.time()) - 600),
        "wrong audience": idp.sign("https://other.example.com/mcp"),
        "wrong issuer": idp.sign(AUDIENCE, iss="https://evil.example.com"),
        "unknown key": idp.sign(AUDIENCE, key=new_key("RSA")),
        "alg none": jwt.encode(claims, None, algorithm="none"),
        "HS256 with the public key": hs256_with(idp.keys[0].public_pem(), claims, "k"),
        "garbage": "not-a-token",
        "inactive opaque": idp.opaque_token({"active": False}),
    }


async def test_every_bad_token_gets_401_and_the_metadata_pointer(
    idp: IdentityProvider, server: Running
):
    cases = {"no token": None, **bad_tokens(idp)}
    for case, token in cases.items():
        response = await knock(server, token)
        assert response.status_code == 401, case
        told = challenge(response)
        assert told["error"] == "invalid_token", case
        assert told["resource_metadata"] == METADATA_URL, case
    reasons = [
        "it has expired.",
        "it was issued for another audience (aud).",
        "it was issued by another issuer (iss).",
        "it was signed with an unknown key",
        "its algorithm 'none' is not accepted",
        "its algorithm 'HS256' is not accepted",
        "the issuer says it is not active (introspection).",
    ]
    lines = [f"INFO sentry_replays_mcp.oauth: refused a bearer token: {r}" for r in reasons]
    assert await until(lambda: all(line in server.stderr() for line in lines)), server.stderr()
    logged = server.stderr()
    assert not [t for t in cases.values() if t and t in logged], "a token reached the log"


async def test_good_tokens_of_both_kinds_are_let_in(idp: IdentityProvider, server: Running):
    opaque = idp.opaque_token(
        {"active": True, "iss": idp.issuer, "aud": AUDIENCE, "sub": "bob",
         "scope": "replays:read", "exp": int(time.time()) + 300}
    )  # fmt: skip
    for token in (idp.sign(AUDIENCE), idp.sign(AUDIENCE, key=idp.keys[1]), opaque):
        response = await knock(server, token)
        assert response.status_code == 200, response.text
        assert "mcp-session-id" in response.headers


async def test_a_token_without_the_read_scope_gets_403(idp: IdentityProvider, server: Running):
    response = await knock(server, idp.sign(AUDIENCE, scope="openid profile"))
    assert response.status_code == 403
    told = challenge(response)
    assert told["error"] == "insufficient_scope"
    assert told["resource_metadata"] == METADATA_URL


async def test_the_protected_resource_metadata_needs_no_token(
    idp: IdentityProvider, server: Running
):
    expected = {
        "resource": AUDIENCE,
        "authorization_servers": [idp.issuer],
        "scopes_supported": ["replays:read", "replays:delete"],
        "bearer_methods_supported": ["header"],
        "resource_name": "Sentry Replays",
    }
    async with httpx2.AsyncClient(base_url=server.base, timeout=30) as http:
        for path in ("/.well-known/oauth-protected-resource",
                     "/.well-known/oauth-protected-resource/mcp"):  # fmt: skip
            answer = await http.get(path)
            assert answer.status_code == 200, path
            assert answer.json() == expected
            assert answer.headers["content-type"] == "application/json"
            foreign = await http.get(path, headers={"Host": "evil.example.com"})
            assert foreign.status_code == 421  # the Host check still applies
        issuer_metadata = await http.get(idp.issuer.replace(idp.base, "") + "/jwks")
        assert issuer_metadata.status_code == 404  # nothing but the document is served here
        health = await http.get("/healthz")
        assert health.status_code == 200


async def test_the_audience_host_is_accepted_as_this_server_name(server: Running):
    """Behind a proxy the Host header is the audience's host: no extra --allowed-host needed."""
    async with httpx2.AsyncClient(base_url=server.base, timeout=30) as http:
        answer = await http.get(
            "/.well-known/oauth-protected-resource", headers={"Host": "replays.example.com"}
        )
    assert answer.status_code == 200


async def test_the_shared_token_mode_is_unchanged_and_serves_no_metadata():
    shared = "shared-token-" + "z" * 16
    with running_server("streamable-http", env={"MCP_HTTP_TOKEN": shared}) as running:
        async with httpx2.AsyncClient(base_url=running.base, timeout=30) as http:
            metadata = await http.get("/.well-known/oauth-protected-resource/mcp")
        assert metadata.status_code == 401
        assert metadata.headers["www-authenticate"] == 'Bearer realm="sentry-replays-mcp"'
        assert (await knock(running, "wrong-token-" + "z" * 16)).status_code == 401
        assert (await knock(running, shared)).status_code == 200
