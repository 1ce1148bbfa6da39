"""The token verifier against the test identity provider on a loopback port (real HTTP, real
keys, real PyJWT): what it accepts, what it fills in for the tools, and each kind of bad
token it refuses, with the reason logged and never the token."""

from __future__ import annotations

import secrets
import time

import jwt
import pytest

from sentry_replays_mcp.server.oauth.verifier import IssuerVerifier
from tests.oauth.conftest import AUDIENCE, Clock, verifier_for
from tests.oauth.idp import IdentityProvider, new_key

pytestmark = pytest.mark.anyio


async def refused(verifier: IssuerVerifier, token: str, log: pytest.LogCaptureFixture) -> str:
    """Asserts the token is refused; the reason logged for it (the token itself never is)."""
    log.clear()
    assert await verifier.verify_token(token) is None
    lines = [r.getMessage() for r in log.records if r.name == "sentry_replays_mcp.oauth"]
    assert lines, "no reason was logged"
    assert all(token not in line for line in lines)
    return lines[-1]


async def test_a_good_token_becomes_the_access_token_the_tools_read(
    idp: IdentityProvider, verifier: IssuerVerifier
):
    token = idp.sign(AUDIENCE, sub="alice", azp="claude-web", sentry_projects=["web", "42"])
    got = await verifier.verify_token(token)
    assert got is not None
    assert got.subject == "alice" and got.client_id == "claude-web"
    assert got.scopes == ["replays:read", "replays:delete"]
    assert got.resource == AUDIENCE
    assert got.claims is not None and got.claims["sentry_projects"] == ["web", "42"]
    assert got.claims["iss"] == idp.issuer
    assert got.expires_at == got.claims["exp"] and got.expires_at > time.time()


async def test_an_ec_key_scp_lists_and_client_id_claims_are_read_too(
    idp: IdentityProvider, verifier: IssuerVerifier
):
    token = idp.sign(
        AUDIENCE, key=idp.keys[1], scope=None, scp=["replays:read"], client_id="cli", azp=None
    )
    got = await verifier.verify_token(token)
    assert got is not None and got.scopes == ["replays:read"] and got.client_id == "cli"
    no_client = await verifier.verify_token(idp.sign(AUDIENCE, azp=None, sub="svc"))
    assert no_client is not None and no_client.client_id == "svc"


async def test_an_audience_list_naming_this_server_is_accepted(
    idp: IdentityProvider, verifier: IssuerVerifier
):
    token = idp.sign(AUDIENCE, aud=["account", AUDIENCE + "/"])
    assert await verifier.verify_token(token) is not None


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"exp": int(time.time()) - 3600}, "expired"),
        ({"aud": "https://other.example.com/mcp"}, "another audience"),
        ({"aud": ["account"]}, "another audience"),
        ({"iss": "http://127.0.0.1:1/realms/replays"}, "another issuer"),
        ({"exp": None}, "no exp claim"),
        ({"sub": None}, "no sub claim"),
        ({"nbf": int(time.time()) + 3600}, "not valid yet"),
        ({"iat": int(time.time()) + 3600}, "not valid yet"),
    ],
    ids=["expired", "wrong-audience", "audience-list-without-us", "wrong-issuer", "no-exp",
         "no-sub", "nbf-future", "iat-future"],
)  # fmt: skip
async def test_bad_claims_are_refused_with_the_reason(
    idp: IdentityProvider, verifier: IssuerVerifier, oauth_log, claims: dict, reason: str
):
    assert reason in await refused(verifier, idp.sign(AUDIENCE, **claims), oauth_log)


async def test_forged_and_malformed_tokens_are_refused(
    idp: IdentityProvider, verifier: IssuerVerifier, oauth_log
):
    claims = idp.claims(AUDIENCE)
    unsigned = jwt.encode(claims, None, algorithm="none", headers={"kid": idp.keys[0].kid})
    assert "'none' is not accepted" in await refused(verifier, unsigned, oauth_log)
    # The classic confusion: HMAC keyed with the public key's bytes (PyJWT itself refuses to
    # make such a token, so it is made by hand, exactly as an attacker would).
    forged = hs256_with(idp.keys[0].public_pem(), claims, idp.keys[0].kid)
    assert "'HS256' is not accepted" in await refused(verifier, forged, oauth_log)
    other_key = new_key("RSA")  # right kid, wrong key: the signature does not verify
    wrong = idp.sign(AUDIENCE, key=other_key, kid=idp.keys[0].kid)
    assert "signature does not verify" in await refused(verifier, wrong, oauth_log)
    # The RSA key as PS256 although the key says RS256: the key's own alg is respected
    as_pss = jwt.encode(claims, idp.keys[0].private, "PS256", headers={"kid": idp.keys[0].kid})
    assert "unknown key" in await refused(verifier, as_pss, oauth_log)
    id_like = idp.sign(AUDIENCE, headers={"typ": "logout+jwt"})
    assert "not an access token" in await refused(verifier, id_like, oauth_log)
    for garbage in ("garbage", "a.b.c", "x" * 9000, "ünïcode", "eyJ.eyJ.sig"):
        await refused(verifier, garbage, oauth_log)


def hs256_with(key: bytes, claims: dict, kid: str) -> str:
    import base64
    import hashlib
    import hmac
    import json

    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = part(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode())
    body = part(json.dumps(claims).encode())
    mac = hmac.new(key, f"{header}.{body}".encode(), hashlib.sha256).digest()
    return f"{header}.{body}.{part(mac)}"


async def test_an_unknown_key_id_is_refused_until_the_provider_publishes_it(
    idp: IdentityProvider, clock: Clock, oauth_log
):
    verifier = verifier_for(idp, clock)
    assert await verifier.verify_token(idp.sign(AUDIENCE)) is not None
    assert verifier.keys.fetches == 1
    rotated = new_key("EC")
    token = idp.sign(AUDIENCE, key=rotated)
    # Unknown yet: one look at the keys at most every 30 s, however many such tokens come.
    clock.now += 31
    assert "unknown key" in await refused(verifier, token, oauth_log)
    for _ in range(50):
        assert await verifier.verify_token(idp.sign(AUDIENCE, kid=secrets.token_hex(8))) is None
    assert verifier.keys.fetches == 2
    idp.publish(rotated)
    assert await verifier.verify_token(token) is None  # still paced: no new look yet
    assert verifier.keys.fetches == 2
    clock.now += 31
    accepted = await verifier.verify_token(token)
    assert accepted is not None and accepted.subject == "user-1"
    assert verifier.keys.fetches == 3
    # A known key needs no look at all until the set is 10 minutes old.
    for _ in range(5):
        assert await verifier.verify_token(idp.sign(AUDIENCE)) is not None
    assert verifier.keys.fetches == 3
    clock.now += 601
    assert await verifier.verify_token(idp.sign(AUDIENCE)) is not None
    assert verifier.keys.fetches == 4


async def test_a_key_published_for_encryption_verifies_nothing(
    idp: IdentityProvider, clock: Clock, oauth_log
):
    verifier = verifier_for(idp, clock)
    encryption = new_key("RSA")
    encryption.use = "enc"
    idp.publish(encryption)
    assert "unknown key" in await refused(verifier, idp.sign(AUDIENCE, key=encryption), oauth_log)
    assert verifier.keys.fetches == 1


async def test_a_provider_down_at_first_means_refusals_then_recovery(
    idp: IdentityProvider, clock: Clock, oauth_log
):
    verifier = verifier_for(idp, clock)
    token = idp.sign(AUDIENCE)
    idp.up = False
    try:
        reason = await refused(verifier, token, oauth_log)
        assert "the issuer cannot be consulted" in reason and "503" in reason
        warned = [r for r in oauth_log.records if r.levelname == "WARNING"]
        assert any("discovery failed" in r.getMessage() for r in warned)
        before = sum(idp.hits.values())
        for _ in range(20):  # no look at the provider for each caller while it is down
            assert await verifier.verify_token(token) is None
        assert sum(idp.hits.values()) == before
    finally:
        idp.up = True
    assert await verifier.verify_token(token) is None  # tried again only after 30 s
    clock.now += 31
    assert await verifier.verify_token(token) is not None


async def test_metadata_naming_another_issuer_is_not_trusted(
    idp: IdentityProvider, clock: Clock, oauth_log
):
    from sentry_replays_mcp.server.oauth import OAuthSettings

    pretender = idp.issuer.replace("127.0.0.1", "localhost")  # same server, another name
    verifier = IssuerVerifier(OAuthSettings(issuer=pretender, audience=AUDIENCE), clock=clock)
    reason = await refused(verifier, idp.sign(AUDIENCE, iss=pretender), oauth_log)
    assert f"names issuer {idp.issuer!r}, not the configured {pretender!r}" in reason


async def test_opaque_tokens_are_introspected(
    idp: IdentityProvider, verifier: IssuerVerifier, oauth_log
):
    now = int(time.time())
    answer = {
        "active": True,
        "iss": idp.issuer,
        "aud": [AUDIENCE],
        "sub": "bob",
        "client_id": "inspector",
        "scope": "replays:read",
        "exp": now + 300,
        "sentry_orgs": "acme",
    }
    token = idp.opaque_token(answer)
    got = await verifier.verify_token(token)
    assert got is not None
    assert (got.subject, got.client_id, got.scopes) == ("bob", "inspector", ["replays:read"])
    assert got.claims == answer and got.expires_at == now + 300 and got.resource == AUDIENCE
    asked = idp.hits["/realms/replays/introspect"]
    assert await verifier.verify_token(token) is not None  # the answer is kept a minute
    assert idp.hits["/realms/replays/introspect"] == asked

    inactive = idp.opaque_token({"active": False})
    assert "not active" in await refused(verifier, inactive, oauth_log)
    unknown = secrets.token_urlsafe(32)  # never issued: the provider says inactive
    assert "not active" in await refused(verifier, unknown, oauth_log)
    for change, reason in [
        ({"aud": "https://other.example.com/mcp"}, "another audience"),
        ({"iss": "https://elsewhere.example.com"}, "another issuer"),
        ({"exp": now - 3600}, "expired"),
        ({"sub": None}, "no subject"),
    ]:
        bad = idp.opaque_token({k: v for k, v in {**answer, **change}.items() if v is not None})
        assert reason in await refused(verifier, bad, oauth_log)


async def test_opaque_tokens_without_client_credentials_are_refused(
    idp: IdentityProvider, clock: Clock, oauth_log
):
    verifier = verifier_for(idp, clock, introspect=False)
    token = idp.opaque_token({"active": True, "aud": AUDIENCE, "sub": "bob"})
    assert "MCP_OAUTH_CLIENT_ID" in await refused(verifier, token, oauth_log)


async def test_openid_connect_discovery_is_the_fallback(clock: Clock):
    from tests.oauth.idp import running_idp

    with running_idp(metadata_style="oidc") as oidc:
        verifier = verifier_for(oidc, clock)
        assert await verifier.verify_token(oidc.sign(AUDIENCE)) is not None
        assert oidc.hits["/.well-known/oauth-authorization-server/realms/replays"] == 1
        assert oidc.hits["/realms/replays/.well-known/openid-configuration"] == 1
