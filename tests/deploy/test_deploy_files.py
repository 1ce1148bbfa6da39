"""The container image and the deployment files say what the program needs: the right command,
port, variables, probe paths and balancing. The image's entrypoint and health check are run
here for real (there is no container engine: the image itself is not built)."""

from __future__ import annotations

import fnmatch
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx2
import yaml

import tests.e2e.program as program
from sentry_replays_mcp.server.config import ENVIRONMENT
from tests.deploy.cluster import free_port, haproxy_config, haproxy_or_skip
from tests.e2e.program import ROOT, run_and_wait, running_server
from tests.readme import section

DEPLOY = ROOT / "deploy"
ENTRYPOINT = DEPLOY / "entrypoint.sh"
COMMAND = "sentry-replays-mcp --transport streamable-http --host 0.0.0.0 --port 8000"
SECRETS = {"SENTRY_AUTH_TOKEN", "MCP_HTTP_TOKEN", "SENTRY_MCP_SECRET"}
CALLER_CHECKS = {"MCP_HTTP_TOKEN", "MCP_OAUTH_ISSUER", "MCP_OAUTH_AUDIENCE"}
CALLER_TOKEN = "caller-token-0123456789abcdef"


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions, continuation lines joined: (KEYWORD, rest)."""
    text = re.sub(r"\\\n\s*", " ", (ROOT / "Dockerfile").read_text())
    found = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            keyword, _, rest = line.strip().partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def instruction(keyword: str) -> list[str]:
    return [rest for key, rest in instructions() if key == keyword]


def ignored(path: str) -> bool:
    """Whether .dockerignore keeps `path` out of the build (last matching pattern wins; a
    pattern naming a folder covers what is in it)."""
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    result = False
    for pattern in patterns:
        negated, bare = pattern.startswith("!"), pattern.lstrip("!").rstrip("/")
        if any(fnmatch.fnmatchcase(p, bare) for p in prefixes):
            result = not negated
    return result


def test_the_image_is_slim_python_run_as_a_user_with_the_package_only():
    (base,) = instruction("FROM")
    assert base == "python:3.12-slim"
    (user,) = instruction("USER")
    assert user.split(":")[0] not in ("root", "0") and user.split(":")[0].isdigit()
    installs = [r for r in instruction("RUN") if "pip install" in r]
    assert installs and all("[" not in r and "-e " not in r for r in installs), installs
    assert instruction("EXPOSE") == ["8000"]
    (entry,) = instruction("ENTRYPOINT")
    assert json.loads(entry) == ["/usr/local/bin/sentry-replays-mcp-entrypoint"]
    copied = [json.loads(r) if r.startswith("[") else r.split() for r in instruction("COPY")]
    sources = [src for args in copied for src in args[:-1]]
    assert "deploy/entrypoint.sh" in sources and "server/" in sources and "tools/" in sources
    assert f'exec {COMMAND} "$@"' in ENTRYPOINT.read_text()


def test_the_build_context_holds_what_the_image_copies_and_no_secrets_or_venv():
    for source in ("pyproject.toml", "README.md", "server/app.py", "tools/kit/state.py"):
        assert (ROOT / source).exists() and not ignored(source), source
    assert not ignored("deploy/entrypoint.sh")
    for kept_out in (".venv/bin/python", ".git/HEAD", "tests/conftest.py", "deploy/.env", ".env"):
        assert ignored(kept_out), kept_out
    assert ignored("server/__pycache__/app.cpython-312.pyc")


def healthcheck() -> list[str]:
    (check,) = instruction("HEALTHCHECK")
    command = json.loads(check.split(" CMD ", 1)[1])
    assert command[0] == "python" and "urllib.request" in command[2] and "/healthz" in command[2]
    return command


def test_the_health_check_passes_on_a_live_server_and_fails_on_a_closed_port():
    command = healthcheck()

    def run(port: int) -> int:
        code = command[2].replace("127.0.0.1:8000", f"127.0.0.1:{port}")
        assert code != command[2], "the check names http://127.0.0.1:8000/healthz"
        return run_and_wait([sys.executable, *command[1:2], code], timeout=30).returncode

    with running_server("streamable-http") as running:
        alive = run(running.port)
    assert alive == 0
    assert run(free_port()) != 0


def test_the_entrypoint_serves_set_up_by_environment_variables_only(monkeypatch):
    """The image's entrypoint, run here with the loopback address and a free port appended (as
    container arguments are): Host names from MCP_ALLOWED_HOSTS are accepted, others refused,
    and callers need MCP_HTTP_TOKEN."""
    bin_dir = str(Path(sys.executable).parent)
    env = {
        "MCP_HTTP_TOKEN": CALLER_TOKEN,
        "MCP_ALLOWED_HOSTS": "mcp.example.com,mcp-internal:9000",
        "MCP_STATELESS": "1",
        "SENTRY_MCP_SECRET": "s" * 32,
        "PATH": f"{bin_dir}:/usr/bin:/bin",
    }
    command = ["sh", str(ENTRYPOINT), "--demo", "--host", "127.0.0.1", "--port", "0"]
    monkeypatch.setattr(program, "server_command", lambda *_args, **_kw: command)
    with running_server("streamable-http", env=env) as running, httpx2.Client(timeout=10) as http:
        url = f"{running.base}/healthz"
        hosts = {
            host: http.get(url, headers={"Host": host}).status_code
            for host in ("mcp.example.com", "mcp.example.com:443", "mcp-internal:9000", "evil.test")
        }
        ready = http.get(f"{running.base}/readyz").status_code
        unauthorised = http.post(running.endpoint, json={}).status_code
    assert hosts == {
        "mcp.example.com": 200,
        "mcp.example.com:443": 200,
        "mcp-internal:9000": 200,
        "evil.test": 421,
    }
    assert ready == 200 and unauthorised == 401


def test_the_entrypoint_signs_callers_in_when_compose_passes_oauth_and_an_empty_token(
    monkeypatch,
):
    """compose.yaml passes every caller-check variable, the unused ones empty: with the OAuth
    pair set, the server asks callers for an access token and points at its metadata."""
    env = {
        "MCP_HTTP_TOKEN": "",
        "MCP_OAUTH_ISSUER": "http://127.0.0.1:9/realms/replays",
        "MCP_OAUTH_AUDIENCE": "https://mcp.example.com/mcp",
        "MCP_OAUTH_PROJECTS_CLAIM": "",
        "MCP_STATELESS": "1",
        "SENTRY_MCP_SECRET": "s" * 32,
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
    }
    command = ["sh", str(ENTRYPOINT), "--demo", "--host", "127.0.0.1", "--port", "0"]
    monkeypatch.setattr(program, "server_command", lambda *_args, **_kw: command)
    with running_server("streamable-http", env=env) as running, httpx2.Client(timeout=10) as http:
        refused = http.post(running.endpoint, json={}, headers={"Host": "mcp.example.com"})
        metadata = http.get(
            f"{running.base}/.well-known/oauth-protected-resource",
            headers={"Host": "mcp.example.com"},
        )
    assert refused.status_code == 401
    pointer = "https://mcp.example.com/.well-known/oauth-protected-resource/mcp"
    assert f'resource_metadata="{pointer}"' in refused.headers["www-authenticate"]
    assert metadata.json()["authorization_servers"] == ["http://127.0.0.1:9/realms/replays"]


def test_the_entrypoint_refuses_to_serve_all_interfaces_with_every_caller_check_empty():
    env = {
        "MCP_HTTP_TOKEN": "",
        "MCP_OAUTH_ISSUER": "",
        "MCP_OAUTH_AUDIENCE": "",
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
    }
    result = run_and_wait(["sh", str(ENTRYPOINT), "--demo"], env=env, timeout=30)
    assert result.returncode == 2, result.stderr
    assert "MCP_HTTP_TOKEN or --oauth-issuer" in result.stderr


def test_the_entrypoint_refuses_to_serve_all_interfaces_without_a_caller_token():
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"}
    result = run_and_wait(["sh", str(ENTRYPOINT), "--demo"], env=env, timeout=30)
    assert result.returncode == 2 and "MCP_HTTP_TOKEN" in result.stderr, result.stderr


# -- compose and HAProxy -------------------------------------------------------------------


def compose() -> dict[str, Any]:
    return dict(yaml.safe_load((DEPLOY / "compose.yaml").read_text()))


def test_compose_runs_three_stateless_replicas_sharing_one_secret_behind_haproxy():
    services = compose()["services"]
    replicas = {name: s for name, s in services.items() if name.startswith("mcp")}
    assert sorted(replicas) == ["mcp1", "mcp2", "mcp3"]
    for service in replicas.values():
        env = service["environment"]
        assert service["build"]["dockerfile"] == "Dockerfile" and "8000" in service["expose"]
        assert env["MCP_STATELESS"] == "1"
        for name in SECRETS - CALLER_CHECKS:  # from the environment or .env, never written here
            assert re.fullmatch(rf"\$\{{{name}:\?[^}}]+\}}", env[name]), (name, env[name])
        for name in CALLER_CHECKS:  # one of them is set; the server refuses to start with none
            assert env[name] == f"${{{name}:-}}", (name, env[name])
        assert set(env) <= set(ENVIRONMENT), set(env) - set(ENVIRONMENT)
        assert "command" not in service and "entrypoint" not in service
    assert len({json.dumps(s["environment"], sort_keys=True) for s in replicas.values()}) == 1
    balancer = services["haproxy"]
    assert balancer["ports"] == ["${MCP_PORT:-8000}:8000"]
    assert "./haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro" in balancer["volumes"]


def test_every_variable_compose_reads_is_in_the_example_env_file():
    named = set(re.findall(r"\$\{(\w+)", (DEPLOY / "compose.yaml").read_text()))
    example = {
        line.split("=", 1)[0]
        for line in (DEPLOY / ".env.example").read_text().splitlines()
        if "=" in line and not line.startswith("#")
    }
    assert named and named <= example, named - example


def haproxy_sections() -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = ""
    for raw in (DEPLOY / "haproxy.cfg").read_text().splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line:
            continue
        if not line[0].isspace():
            current = line.strip()
            sections[current] = []
        else:
            sections[current].append(" ".join(line.split()))
    return sections


def test_haproxy_balances_round_robin_without_stickiness_and_checks_readyz():
    sections = haproxy_sections()
    backend, defaults = sections["backend replicas"], sections["defaults"]
    assert "balance roundrobin" in backend
    sticky = ("cookie", "stick", "appsession", "balance source", "hash-type", "persist")
    assert not [d for d in backend + defaults if d.startswith(sticky)]
    assert "option httpchk" in backend
    assert any(d.startswith("http-check send meth GET uri /readyz ") for d in backend)
    assert "hdr Host localhost:8000" in " ".join(backend)  # a Host the replicas accept
    servers = [d.split() for d in backend if d.startswith("server ")]
    assert [(s[1], s[2]) for s in servers] == [(f"mcp{i}", f"mcp{i}:8000") for i in (1, 2, 3)]
    assert any(" check" in f" {d}" for d in backend if d.startswith("default-server"))
    # retried elsewhere only when no connection could be made: never a request that arrived
    assert [d for d in defaults if d.startswith("retry-on")] == ["retry-on conn-failure"]
    assert "option redispatch 1" in defaults and "option http-server-close" in defaults
    assert "bind :8000" in sections["frontend mcp"]


def test_the_load_balancer_tests_run_haproxy_as_deployed(tmp_path: Path):
    """The configuration tests/deploy/test_load_balancer.py generates balances, checks and
    retries as deploy/haproxy.cfg does (only addresses, timings and logging differ)."""
    rules = (
        "balance roundrobin",
        "option httpchk",
        "http-check expect status 200",
        "retries 3",
        "retry-on conn-failure",
        "option redispatch 1",
        "option http-server-close",
    )
    shipped = {d for lines in haproxy_sections().values() for d in lines}
    one = [program.Running(proc=None, url="http://127.0.0.1:1/mcp")]  # type: ignore[arg-type]
    generated = {
        " ".join(line.split()) for line in haproxy_config(2, one, tmp_path, "1s").splitlines()
    }
    assert all(rule in shipped and rule in generated for rule in rules)
    assert not [d for d in generated if d.startswith(("cookie", "stick", "persist"))]
    assert [d for d in generated if d.startswith("retry-on")] == ["retry-on conn-failure"]


def test_haproxy_accepts_the_configuration():
    command = [haproxy_or_skip(), "-c", "-f", str(DEPLOY / "haproxy.cfg")]
    checked = subprocess.run(command, capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr


# -- Kubernetes ----------------------------------------------------------------------------


def kubernetes() -> dict[str, dict[str, Any]]:
    documents = yaml.safe_load_all((DEPLOY / "kubernetes.yaml").read_text())
    return {d["kind"]: d for d in documents}


def test_kubernetes_runs_stateless_pods_with_secrets_and_both_probes():
    manifests = kubernetes()
    assert set(manifests) == {"Secret", "Deployment", "Service"}
    assert set(manifests["Secret"]["stringData"]) == SECRETS
    pod = manifests["Deployment"]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert "command" not in container and "args" not in container  # the image's entrypoint
    assert container["ports"] == [{"name": "http", "containerPort": 8000}]
    env = {e["name"]: e for e in container["env"]}
    assert {n for n, e in env.items() if "valueFrom" in e} == SECRETS
    assert all(env[n]["valueFrom"]["secretKeyRef"]["key"] == n for n in SECRETS)
    assert env["MCP_STATELESS"]["value"] == "1"
    assert set(env) <= set(ENVIRONMENT)
    probes = {kind: container[kind]["httpGet"] for kind in ("readinessProbe", "livenessProbe")}
    assert probes["readinessProbe"]["path"] == "/readyz"
    assert probes["livenessProbe"]["path"] == "/healthz"
    for probe in probes.values():
        assert probe["port"] == "http"
        assert {"name": "Host", "value": "localhost:8000"} in probe["httpHeaders"]
    (user,) = instruction("USER")
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert str(pod["securityContext"]["runAsUser"]) == user.split(":")[0]
    service = manifests["Service"]["spec"]
    assert service["ports"] == [{"name": "http", "port": 8000, "targetPort": "http"}]
    assert service["selector"] == manifests["Deployment"]["spec"]["selector"]["matchLabels"]


def test_the_entrypoint_runs_the_program_with_the_container_arguments_last():
    text = ENTRYPOINT.read_text()
    assert f'exec {COMMAND} "$@"' in text


def test_the_readme_names_every_file_and_variable_of_the_deployment():
    text = section("Deploying for a team")
    env = compose()["services"]["mcp1"]["environment"]
    assert all(f"`{name}" in text for name in env), [n for n in env if f"`{n}" not in text]
    for name in (
        "Dockerfile",
        "deploy/compose.yaml",
        "deploy/haproxy.cfg",
        "deploy/kubernetes.yaml",
    ):
        assert f"`{name}`" in text, name
    assert COMMAND in text and "/readyz" in text and "/healthz" in text
