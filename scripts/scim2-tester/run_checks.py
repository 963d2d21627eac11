"""Run every scim2-tester check against one SCIM base URL and print a summary.

Used by scripts/scim2-tester.sh; the imports come from its venv (and, when the
packages are used from source, its PYTHONPATH).

    python run_checks.py --url BASE_URL --token TOKEN [--verbose] [--http-log FILE]

Prints one line per result that is not a success (every status but SUCCESS and
SKIPPED; all of them with --verbose), then the counts of every status on a line
starting with "scim2-tester summary:". Exit status: 0 when the checks ran (whatever
they found), 3 when the server could not be discovered.
"""

import argparse
import sys
from collections import Counter

from httpx import Client
from scim2_client.engines.httpx import SyncSCIMClient
from scim2_tester import Status, check_server

QUIET_STATUSES = {Status.SUCCESS, Status.SKIPPED}
REASON_LIMIT = 600


def one_line(text: str | None) -> str:
    flat = " | ".join(part.strip() for part in (text or "").splitlines() if part.strip())
    return flat if len(flat) <= REASON_LIMIT else flat[:REASON_LIMIT] + "…"


def http_logger(destination):
    def log_response(response):
        response.read()
        body = response.request.content.decode("utf-8", "replace")
        destination.write(f"{response.request.method} {response.request.url} {body}\n")
        destination.write(f"  -> {response.status_code} {response.text}\n")

    return log_response


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the directory's SCIM base URL")
    parser.add_argument("--token", required=True, help="the directory's bearer token")
    parser.add_argument("--verbose", action="store_true", help="print every result")
    parser.add_argument("--http-log", help="write every request and answer to this file")
    args = parser.parse_args()

    hooks = {}
    log_file = None
    if args.http_log:
        log_file = open(args.http_log, "w", encoding="utf-8")
        hooks = {"response": [http_logger(log_file)]}

    http = Client(
        base_url=args.url,
        headers={"Authorization": f"Bearer {args.token}"},
        event_hooks=hooks,
        timeout=30,
    )
    client = SyncSCIMClient(http)
    try:
        client.discover()
    except Exception as error:  # the server is unreachable or its discovery is unusable
        print(f"scim2-tester could not discover {args.url}: {error}", file=sys.stderr)
        return 3

    # No include/exclude tags and no resource type filter: every check runs.
    results = check_server(client)

    for result in results:
        if result.status in QUIET_STATUSES and not args.verbose:
            continue
        where = f" [{result.resource_type}]" if result.resource_type else ""
        print(f"{result.status.name}{where} {result.title} :: {one_line(result.reason)}")

    counts = Counter(result.status.name for result in results)
    ordered = ", ".join(f"{status.name}={counts.get(status.name, 0)}" for status in Status)
    print(f"scim2-tester summary: {len(results)} checks: {ordered}")

    if log_file:
        log_file.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
