#!/usr/bin/env bash
# The reference Durable host (this folder's .NET project): restores its pinned NuGet packages with the .NET SDK into
# .local/durable-reference/ (git-ignored) and, with --build, generates the stubs from an app's registrations and
# builds it there. Nothing is built in this folder.
#
#   local/durable-reference/restore.sh                    restore if needed
#   local/durable-reference/restore.sh --build [APP_ROOT]  restore if needed, write the stubs for APP_ROOT's durable
#                                                         functions (default: the repository), build if anything
#                                                         changed; print the host's DLL path on stdout
#                                                         (needs `npm run build` first: the generator is TypeScript)
# Each app root gets its own build folder (.local/durable-reference/app-<hash of its path>/), the packages are shared.
#
# Versions: the project's PackageReferences are exact, and packages.lock.json pins the whole graph with content hashes
# (restored with --locked-mode: a package whose bytes differ, or a graph that moved, fails the restore).
# Exit status: 0 done; 1 a failed restore, generation or build; 3 cannot run on this machine (no .NET SDK, an SDK
#              older than the project's net10.0, NuGet unreachable): the reason is on stderr.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
OUT="$ROOT/.local/durable-reference"
PACKAGES="$OUT/packages"
SDK_MAJOR_NEEDED=10

cannot_run() { echo "durable-reference: cannot run here: $*" >&2; exit 3; }
fail() { echo "durable-reference: $*" >&2; exit 1; }
now_ms() { date +%s%3N; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

inputs_hash() { cat "$@" | sha256sum | cut -d' ' -f1; }

# restore PROJECT_DIR: the project and its lock file copied there, restored (skipped when already done for them).
restore() {
  local SRC="$1"
  command -v dotnet >/dev/null 2>&1 \
    || cannot_run "the .NET SDK (dotnet) is not installed, so the reference host cannot be restored from NuGet"
  local sdk
  sdk="$(dotnet --version 2>/dev/null)" || cannot_run "dotnet is installed but has no SDK (only a runtime)"
  (( ${sdk%%.*} >= SDK_MAJOR_NEEDED )) \
    || cannot_run "the reference host targets net${SDK_MAJOR_NEEDED}.0; this machine's .NET SDK is $sdk"

  mkdir -p "$SRC"
  cp "$HERE/ReferenceHost.csproj" "$HERE/packages.lock.json" "$SRC/"
  local want marker="$SRC/obj/.restored-by-restore-sh"
  want="$(inputs_hash "$SRC/ReferenceHost.csproj" "$SRC/packages.lock.json")"
  if [[ -f "$marker" && "$(cat "$marker")" == "$want" && -f "$SRC/obj/project.assets.json" ]]; then return 0; fi

  local started log="$SRC/restore.log"
  started=$(now_ms)
  echo "durable-reference: restoring the pinned packages from NuGet (dotnet $sdk) into .local/durable-reference/" >&2
  if ! dotnet restore "$SRC/ReferenceHost.csproj" --packages "$PACKAGES" --locked-mode >"$log" 2>&1; then
    cat "$log" >&2
    if grep -qE 'NU1301|Unable to load the service index|Name or service not known|No such host|Network is unreachable' "$log"; then
      cannot_run "NuGet is unreachable (dotnet restore: $(grep -oE 'NU1301|Name or service not known|No such host|Network is unreachable|Unable to load the service index' "$log" | head -n1)), so the reference host cannot be restored"
    fi
    fail "dotnet restore failed (see the log above); NU1004/NU1403 mean the graph or a package's bytes differ from packages.lock.json"
  fi
  echo "$want" >"$marker"
  echo "durable-reference: restored in $(( $(now_ms) - started )) ms" >&2
}

# build APP_ROOT PROJECT_DIR: the stubs for the app, then the host, into PROJECT_DIR/bin (skipped when nothing changed).
build() {
  local app="$1" SRC="$2"
  local BIN="$SRC/bin" DLL="$SRC/bin/DurableReferenceHost.dll"
  local generator="$ROOT/dist/local/durable-reference/generate-stubs.js"
  [[ -f "$generator" ]] || fail "$generator is missing: run npm run build first"
  node "$generator" "$app" "$SRC/Stubs.g.cs" >&2 || fail "the stubs could not be generated from $app"
  cp "$HERE"/*.cs "$SRC/"
  local want stamp="$BIN/.built-from"
  want="$(inputs_hash "$SRC/ReferenceHost.csproj" "$SRC/packages.lock.json" "$SRC"/*.cs)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -f "$DLL" ]]; then return 0; fi
  local started log="$SRC/build.log"
  started=$(now_ms)
  if ! dotnet build "$SRC/ReferenceHost.csproj" -c Release --no-restore -o "$BIN" -nologo >"$log" 2>&1; then
    grep -E 'error|Error' "$log" >&2 || cat "$log" >&2
    fail "dotnet build of the reference host failed (log: $log)"
  fi
  echo "$want" >"$stamp"
  echo "durable-reference: built in $(( $(now_ms) - started )) ms" >&2
}

# One restore or build at a time (two stacks starting at once, a test and npm start).
mkdir -p "$OUT"
exec 9>"$OUT/.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi

case "${1:-}" in
  "")
    restore "$OUT/restore"
    ;;
  --build)
    app="$(cd "${2:-$ROOT}" && pwd)"
    dir="$OUT/app-$(printf '%s' "$app" | sha256sum | cut -c1-12)"
    restore "$dir"
    build "$app" "$dir"
    echo "$dir/bin/DurableReferenceHost.dll"
    ;;
  *)
    echo "usage: local/durable-reference/restore.sh [--build [APP_ROOT]]" >&2
    exit 2
    ;;
esac
