"""`make bench`: throughput of the product's pages as ratios to a bare view.

Starts the site under gunicorn on 127.0.0.1 with the bench settings and its
own database (demo data loaded), signs in as the demo trainee, then sends a
bounded number of requests to each page with a few concurrent clients. The
public certificate pages are fetched by a separate client that never signs
in: the verification page ``/v/<code>`` (its rate limit is raised in
``config.settings.bench``, still counted) and the credential JSON
``/credentials/<uuid>``, for a valid certificate the demo seed issued. Every
page is reported as a ratio to /bench/bare measured in the same run, never as
an absolute claim. Results go to stdout and the "Pages" section of
docs/benchmarks.md (the other scripts in bench/ write their own sections).

Only 127.0.0.1 is ever contacted; every loop is bounded in count and time.
"""

import argparse
import concurrent.futures
import http.cookiejar
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "127.0.0.1"
MAX_SECONDS_PER_PAGE = 60
DOCS = ROOT / "docs" / "benchmarks.md"
DOCS_HEADER = (
    "# Benchmarks\n\nWritten by the scripts in `bench/`; each replaces only its "
    "own section.\n"
)
# Prints "<code> <uuid>" of a valid certificate, or nothing.
CERTIFICATE_QUERY = """
from certificates.models import Certificate
c = (
    Certificate.objects.filter(revoked_at__isnull=True, superseded_at__isnull=True)
    .order_by("pk")
    .first()
)
print(f"{c.code} {c.uuid}" if c and c.record_state == "valid" else "")
"""


def docs_section_write(title: str, body: str, *, path: Path = DOCS) -> None:
    """Replace the ``## title`` section of ``path`` (or add it at the end).

    Every other section is left as it is, so each benchmark script keeps its
    own figures in the one file.
    """
    text = path.read_text() if path.exists() else DOCS_HEADER
    section = f"## {title}\n\n{body.strip()}\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.M | re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text.rstrip("\n") + "\n")


def manage(*args: str, env: dict) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def bench_certificate(env: dict) -> tuple[str, str]:
    """The code and uuid of a valid certificate in the bench database."""
    output = subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", "shell", "-c", CERTIFICATE_QUERY],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout.strip()
    output = output.splitlines()[-1].split() if output else []
    if len(output) != 2:
        raise SystemExit(
            "no certificate in the bench database: demo_seed should issue one "
            "to the demo coach (a valid, not revoked certificate is needed to "
            "measure /v/<code>)."
        )
    return output[0], output[1]


class Client:
    """A signed-in browser, minimal: cookies and CSRF."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar)
        )

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with self.opener.open(self.base + path, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, b""

    def sign_in(self, email: str, password: str) -> None:
        _, body = self.get("/en/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
        data = urllib.parse.urlencode(
            {
                "login": email,
                "password": password,
                "csrfmiddlewaretoken": token.decode(),
            }
        ).encode()
        request = urllib.request.Request(  # noqa: S310
            self.base + "/en/accounts/login/", data=data, headers={"Referer": self.base}
        )
        with self.opener.open(request, timeout=30):
            pass


def measure(
    client: Client,
    path: str,
    *,
    requests: int,
    concurrency: int,
    label: str | None = None,
) -> dict:
    """Throughput of ``path``: ``requests`` GETs from ``concurrency`` threads."""
    status, _ = client.get(path)  # warm caches, check it answers
    if status != 200:
        raise SystemExit(f"{path} answered {status}")
    latencies: list[float] = []
    deadline = time.monotonic() + MAX_SECONDS_PER_PAGE

    def one(_: int) -> float:
        if time.monotonic() > deadline:
            return -1.0
        start = time.perf_counter()
        code, _ = client.get(path)
        if code != 200:
            raise RuntimeError(f"{path} answered {code}")
        return time.perf_counter() - start

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=concurrency) as pool:
        latencies = [t for t in pool.map(one, range(requests)) if t >= 0]
    elapsed = time.perf_counter() - started
    return {
        "path": label or f"`{path}`",
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": statistics.quantiles(latencies, n=20)[-1] * 1000,
    }


def pages(client: Client) -> list[str]:
    """The pages to measure, found from the demo data through the site itself."""
    _, dashboard = client.get("/my-learning/")
    found = ["/", "/my-learning/"]
    lesson = re.search(
        rb'href="(/[^"]+/)"[^>]*>[^<]*</a>\s*<span class="course-card__next', dashboard
    )
    continue_link = re.search(rb'<a class="button" href="(/[^"]+)"', dashboard)
    for match in (continue_link, lesson):
        if match:
            found.append(match.group(1).decode())
            break
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.bench"}
    (ROOT / "var").mkdir(exist_ok=True)
    manage("migrate", "--noinput", "-v0", env=env)
    manage("demo_seed", env={**env, "PYTHONWARNINGS": "ignore"})
    code, certificate_uuid = bench_certificate(env)
    base = f"http://{HOST}:{args.port}"
    server = subprocess.Popen(  # noqa: S603
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"{HOST}:{args.port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    load_before = os.getloadavg()[0]
    try:
        client = Client(base)
        for _ in range(50):
            try:
                client.get("/bench/bare")
                break
            except OSError:
                time.sleep(0.2)
        client.sign_in("trainee@demo.coach-academy.example", "coach-demo-2026")
        bare = measure(
            client, "/bench/bare", requests=args.requests, concurrency=args.concurrency
        )
        rows = [bare]
        for path in pages(client):
            rows.append(
                measure(
                    client, path, requests=args.requests, concurrency=args.concurrency
                )
            )
        anonymous = Client(base)  # never signs in: what a QR code scan does
        for path, label in (
            (f"/v/{code}", "`/v/<code>` (anonymous)"),
            (f"/credentials/{certificate_uuid}", "`/credentials/<uuid>` (JSON)"),
        ):
            rows.append(
                measure(
                    anonymous,
                    path,
                    requests=args.requests,
                    concurrency=args.concurrency,
                    label=label,
                )
            )
    finally:
        server.terminate()
        server.wait(timeout=30)

    database = env.get("DATABASE_URL", "sqlite").split(":", 1)[0]
    cache = "Redis" if env.get("REDIS_URL") else "files"
    lines = [
        f"Workers: {args.workers} gunicorn, {args.concurrency} concurrent clients, "
        f"{args.requests} requests per page, {database} (bench settings), cache "
        f"(rate-limit counters) in {cache}; {os.cpu_count()} CPU cores, load "
        f"average {load_before:.1f} before and {os.getloadavg()[0]:.1f} after.",
        "",
        "| page | requests/s | ratio to bare view | p50 ms | p95 ms |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['path']} | {row['rps']:.0f} | {row['rps'] / bare['rps']:.3f} "
            f"| {row['p50_ms']:.1f} | {row['p95_ms']:.1f} |"
        )
    report = "\n".join(lines)
    print(report)
    docs_section_write("Pages", report)


if __name__ == "__main__":
    main()
