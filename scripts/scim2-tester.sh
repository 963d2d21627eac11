#!/usr/bin/env bash
# Run the independent SCIM test suite scim2-tester (python-scim) against this build.
#
#   scripts/scim2-tester.sh [--verbose]
#
# Starts orgbridge on a throwaway SQLite file, creates a tenant, an organization and a SCIM
# directory through the admin API, runs every scim2-tester check against the directory's base
# URL with its token, prints every result that is not a success and the summary, and stops the
# service. Not part of `npm test` or CI: it needs Python and the python-scim packages.
#
# Environment:
#   SCIM2_TESTER_VENV  Python venv to use (default /tmp/scimtester-venv)
#   SCIM2_TESTER_SRC   folder with the scim2-tester, scim2-client and scim2-models source trees,
#                      used in place of installed packages when present (default /tmp/scimsrc)
#   SCIM2_TESTER_PORT  port for the service (default: a free one)
#   SCIM2_TESTER_KEEP  1: keep the work folder (database, service log, HTTP log) and say where
#
# Exit status: 0 when the checks ran (their findings are in the output), 2 when the Python side
# is not set up, 1 when the service or the setup failed.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${SCIM2_TESTER_VENV:-/tmp/scimtester-venv}"
SRC="${SCIM2_TESTER_SRC:-/tmp/scimsrc}"
RUNNER="$REPO_ROOT/scripts/scim2-tester/run_checks.py"
VERBOSE=()
for arg in "$@"; do
  case "$arg" in
    --verbose | -v) VERBOSE=(--verbose) ;;
    -h | --help) sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $arg (try --help)" >&2; exit 1 ;;
  esac
done

setup_help() {
  cat >&2 <<EOF
scim2-tester is not set up: $1

It needs a Python 3.10+ venv (SCIM2_TESTER_VENV, default /tmp/scimtester-venv) holding
scim2-tester, scim2-client, scim2-models, httpx, pydantic>=2 and email_validator:

  python3 -m venv /tmp/scimtester-venv
  # where PyPI is reachable:
  /tmp/scimtester-venv/bin/pip install scim2-tester 'scim2-client[httpx]' scim2-models httpx 'pydantic[email]>=2' email_validator
  # offline, from a folder of wheels:
  /tmp/scimtester-venv/bin/pip install --no-index --find-links /path/to/wheels httpx 'pydantic>=2' email_validator

Instead of installing scim2-tester, scim2-client and scim2-models in the venv, their source trees
(git clone https://github.com/python-scim/scim2-tester, …/scim2-client, …/scim2-models) can sit
side by side in SCIM2_TESTER_SRC (default /tmp/scimsrc): SCIM2_TESTER_SRC/scim2-tester, …
EOF
  exit 2
}

PYTHON="$VENV/bin/python"
[[ -x "$PYTHON" ]] || setup_help "no Python at $PYTHON"
"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' \
  || setup_help "$PYTHON is older than Python 3.10"

# Source trees win over installed packages, when all three are there.
SOURCE_NOTE="installed in $VENV"
if [[ -d "$SRC/scim2-tester/scim2_tester" && -d "$SRC/scim2-client/scim2_client" && -d "$SRC/scim2-models/scim2_models" ]]; then
  export PYTHONPATH="$SRC/scim2-tester:$SRC/scim2-client:$SRC/scim2-models${PYTHONPATH:+:$PYTHONPATH}"
  SOURCE_NOTE="from source in $SRC"
fi
if ! "$PYTHON" -c 'import httpx, pydantic, email_validator, scim2_models, scim2_client.engines.httpx, scim2_tester' 2>/dev/null; then
  setup_help "$PYTHON cannot import httpx, pydantic, email_validator, scim2_models, scim2_client and scim2_tester ($SOURCE_NOTE)"
fi
"$PYTHON" -c 'import pydantic, sys; sys.exit(0 if int(pydantic.VERSION.split(".")[0]) >= 2 else 1)' \
  || setup_help "pydantic in $VENV is older than 2"

package_version() { # distribution name: the version pip knows, else the one in the source tree
  "$PYTHON" - "$1" "$SRC/$1/pyproject.toml" <<'PY'
import re, sys
from importlib import metadata
try:
    print(metadata.version(sys.argv[1]))
except metadata.PackageNotFoundError:
    try:
        text = open(sys.argv[2], encoding="utf-8").read()
        print(re.search(r'^version\s*=\s*"([^"]+)"', text, re.M).group(1))
    except (OSError, AttributeError):
        print("unknown")
PY
}

WORK="$(mktemp -d "${TMPDIR:-/tmp}/orgbridge-scim2-tester.XXXXXX")"
SERVER_PID=""
cleanup() {
  local status=$?
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ "${SCIM2_TESTER_KEEP:-0}" == 1 || $status -eq 1 ]]; then
    echo "work folder kept: $WORK (server.log, http.log, orgbridge.sqlite)" >&2
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

PORT="${SCIM2_TESTER_PORT:-$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')}"
BASE="http://127.0.0.1:$PORT"
ADMIN_API_KEY="obr_scim2tester_$(node -e 'console.log(require("crypto").randomBytes(24).toString("hex"))')"
SECRET_KEY="$(node -e 'console.log(require("crypto").randomBytes(32).toString("base64url"))')"

echo "starting orgbridge ($(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo 'no git')) on $BASE, database $WORK/orgbridge.sqlite"
(
  cd "$REPO_ROOT"
  exec env PORT="$PORT" HOST=127.0.0.1 PUBLIC_URL="$BASE" DATABASE_URL="sqlite:$WORK/orgbridge.sqlite" \
    DATA_DIR="$WORK/data" ADMIN_API_KEY="$ADMIN_API_KEY" SECRET_KEY="$SECRET_KEY" LOG_LEVEL=warn \
    WEBHOOK_DELIVERY=off node --import tsx src/main.ts
) >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

ready=""
for _ in $(seq 1 600); do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then break; fi
  if curl -fsS -o /dev/null "$BASE/readyz" 2>/dev/null; then ready=1; break; fi
  sleep 0.1
done
if [[ -z "$ready" ]]; then
  echo "orgbridge did not become ready on $BASE/readyz; its log:" >&2
  tail -n 40 "$WORK/server.log" >&2
  exit 1
fi

# admin METHOD PATH JSON_BODY: the answer's body; any status but 2xx stops the script.
admin() {
  local answer status
  answer="$(curl -sS -X "$1" "$BASE$2" -H "Authorization: Bearer $ADMIN_API_KEY" \
    -H 'Content-Type: application/json' --data "$3" -w '\n%{http_code}')"
  status="${answer##*$'\n'}"
  if [[ "$status" != 2* ]]; then
    echo "$1 $2 answered $status: ${answer%$'\n'*}" >&2
    exit 1
  fi
  printf '%s' "${answer%$'\n'*}"
}
# field NAME: read NAME from the JSON object on stdin.
field() {
  node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>{const v=JSON.parse(s)[process.argv[1]];if(typeof v!=="string"||!v){console.error("no "+process.argv[1]+" in "+s);process.exit(1)}console.log(v)})' "$1"
}

TENANT="scim2-tester"
admin POST /api/v1/tenants '{"slug":"'"$TENANT"'","name":"scim2-tester"}' >/dev/null
ORG_ID="$(admin POST "/t/$TENANT/api/v1/admin/organizations" '{"name":"scim2-tester","slug":"scim2-tester"}' | field id)"
DIRECTORY="$(admin POST "/t/$TENANT/api/v1/admin/organizations/$ORG_ID/directories" '{"name":"scim2-tester","provider":"generic"}')"
SCIM_URL="$(printf '%s' "$DIRECTORY" | field scim_base_url)"
SCIM_TOKEN="$(printf '%s' "$DIRECTORY" | field bearer_token)"

echo "scim2-tester $(package_version scim2-tester), scim2-client $(package_version scim2-client), scim2-models $(package_version scim2-models) ($SOURCE_NOTE)"
echo "checking $SCIM_URL (all checks)"
"$PYTHON" "$RUNNER" --url "$SCIM_URL" --token "$SCIM_TOKEN" --http-log "$WORK/http.log" "${VERBOSE[@]}" || {
  status=$?
  echo "the scim2-tester runner failed ($status); service log:" >&2
  tail -n 40 "$WORK/server.log" >&2
  exit 1
}
