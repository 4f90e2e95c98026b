"""`make bench`: throughput of the product's pages as ratios to a bare view.

Starts the site under gunicorn on 127.0.0.1 with the bench settings and its
own database (demo data loaded), signs in as the demo trainee, then sends a
bounded number of requests to each page with a few concurrent clients. Every
page is reported as a ratio to /bench/bare measured in the same run, never as
an absolute claim. Results go to stdout and docs/benchmarks.md.

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


def manage(*args: str, env: dict) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


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


def measure(client: Client, path: str, *, requests: int, concurrency: int) -> dict:
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
        "path": path,
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
    finally:
        server.terminate()
        server.wait(timeout=30)

    lines = [
        f"Workers: {args.workers} gunicorn, {args.concurrency} concurrent clients, "
        f"{args.requests} requests per page, SQLite (bench settings).",
        "",
        "| page | requests/s | ratio to bare view | p50 ms | p95 ms |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| `{row['path']}` | {row['rps']:.0f} | {row['rps'] / bare['rps']:.3f} "
            f"| {row['p50_ms']:.1f} | {row['p95_ms']:.1f} |"
        )
    report = "\n".join(lines)
    print(report)
    out = ROOT / "docs" / "benchmarks.md"
    out.write_text(
        "# Benchmarks\n\nWritten by `make bench`.\n\n## Pages\n\n" + report + "\n"
    )


if __name__ == "__main__":
    main()
