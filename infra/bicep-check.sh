#!/usr/bin/env bash
# The real Bicep compiler over infra/: restores the Bicep CLI (pinned) from NuGet with the .NET SDK
# into .local/bicep/ (git-ignored), then runs `bicep build` and `bicep lint` on infra/main.bicep
# (which cover every module) and fails on any error AND on any warning.
#
#   infra/bicep-check.sh            restore if needed, build, lint          (.ci/run)
#   infra/bicep-check.sh --restore  restore if needed; print the bicep binary's path on stdout
#
# Exit status: 0 clean; 1 a diagnostic, a failed build/lint, or a failed restore;
#              3 cannot run on this machine (no .NET SDK, not linux-x64, NuGet unreachable): the
#                reason is on stderr (test/infra turns this into a plainly reported skip; CI fails).
# The restore is idempotent: once the package is restored and its hash checked, a marker file makes
# later runs skip `dotnet` entirely.
set -euo pipefail

BICEP_VERSION=0.49.2
PACKAGE=Azure.Bicep.CommandLine.linux-x64
# SHA-512 of azure.bicep.commandline.linux-x64.0.49.2.nupkg as served by nuget.org (NuGet also checks
# the package's Microsoft signature; this pins the exact bytes).
PACKAGE_SHA512=9019d7d221bdc1dfcf59d093c057d4be6e897a69fee4beec63b6fb1d08b993e2cbc1d166adbc38cb94532c5c5ec0214c741a944e188e20b31aeec8339253c401

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.local/bicep"
PACKAGE_DIR="$TOOLS/packages/$(echo "$PACKAGE" | tr '[:upper:]' '[:lower:]')/$BICEP_VERSION"
BICEP="$PACKAGE_DIR/tools/bicep"
MARKER="$PACKAGE_DIR/.verified-by-bicep-check"

cannot_run() { echo "bicep-check: cannot run here: $*" >&2; exit 3; }
fail() { echo "bicep-check: $*" >&2; exit 1; }
now_ms() { date +%s%3N; }

restore() {
  if [[ -f "$MARKER" && -x "$BICEP" ]]; then return 0; fi

  [[ "$(uname -s)/$(uname -m)" == "Linux/x86_64" ]] \
    || cannot_run "the pinned Bicep CLI package is $PACKAGE; this machine is $(uname -s)/$(uname -m)"
  command -v dotnet >/dev/null 2>&1 \
    || cannot_run "the .NET SDK (dotnet) is not installed, so the Bicep CLI cannot be restored from NuGet"
  local sdk
  sdk="$(dotnet --version 2>/dev/null)" || cannot_run "dotnet is installed but has no SDK (only a runtime)"

  mkdir -p "$TOOLS/restore"
  # One restore at a time (CI and the jest test may both ask).
  exec 9>"$TOOLS/.lock"
  if command -v flock >/dev/null 2>&1; then flock 9; fi
  if [[ -f "$MARKER" && -x "$BICEP" ]]; then return 0; fi
  # Without the marker, whatever is there (an interrupted or rejected download) is not trusted.
  rm -rf "$PACKAGE_DIR"

  # A throw-away project whose only job is to download the package; the TFM is the SDK's own, so
  # nothing else (no targeting pack) has to come from the network.
  cat >"$TOOLS/restore/restore.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net${sdk%%.*}.0</TargetFramework>
    <ImportDirectoryBuildProps>false</ImportDirectoryBuildProps>
    <ImportDirectoryBuildTargets>false</ImportDirectoryBuildTargets>
    <NuGetAudit>false</NuGetAudit>
  </PropertyGroup>
  <ItemGroup>
    <PackageDownload Include="$PACKAGE" Version="[$BICEP_VERSION]" />
  </ItemGroup>
</Project>
EOF
  local started log
  started=$(now_ms)
  log="$TOOLS/restore/restore.log"
  echo "bicep-check: restoring $PACKAGE $BICEP_VERSION from NuGet (dotnet $sdk) into .local/bicep/" >&2
  if ! DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 \
      dotnet restore "$TOOLS/restore/restore.csproj" --packages "$TOOLS/packages" >"$log" 2>&1; then
    cat "$log" >&2
    # NU1301: the feed could not be reached (no network, DNS, proxy).
    if grep -qE 'NU1301|Unable to load the service index|Name or service not known|No such host|Network is unreachable' "$log"; then
      cannot_run "NuGet is unreachable (dotnet restore: $(grep -oE 'NU1301|Name or service not known|No such host|Network is unreachable|Unable to load the service index' "$log" | head -n1)), so the Bicep CLI cannot be restored"
    fi
    fail "dotnet restore of $PACKAGE $BICEP_VERSION failed (see the log above)"
  fi

  local nupkg="$PACKAGE_DIR/$(echo "$PACKAGE" | tr '[:upper:]' '[:lower:]').$BICEP_VERSION.nupkg"
  [[ -f "$nupkg" && -f "$BICEP" ]] || fail "restore reported success but $BICEP is missing"
  local actual
  actual="$(sha512sum "$nupkg" | cut -d' ' -f1)"
  [[ "$actual" == "$PACKAGE_SHA512" ]] || fail "SHA-512 of $nupkg is $actual, expected $PACKAGE_SHA512"
  chmod u+x "$BICEP"
  "$BICEP" --version | grep -q "Bicep CLI version $BICEP_VERSION " || fail "$BICEP is not Bicep $BICEP_VERSION"
  touch "$MARKER"
  echo "bicep-check: restored in $(( $(now_ms) - started )) ms" >&2
}

# Runs bicep with the given arguments; fails on a non-zero exit or on any diagnostic (bicep exits 0
# when there are only warnings, so the output is read too).
run_bicep() {
  local what="$1"; shift
  local out started
  started=$(now_ms)
  if ! out="$("$BICEP" "$@" 2>&1)"; then
    printf '%s\n' "$out" >&2
    fail "bicep $what failed"
  fi
  if [[ -n "$out" ]]; then printf '%s\n' "$out" >&2; fi
  if grep -qE ': (Error|Warning) ' <<<"$out"; then
    fail "bicep $what reported the diagnostics above; infra/ must be free of errors and warnings"
  fi
  echo "bicep-check: bicep $what clean in $(( $(now_ms) - started )) ms" >&2
}

case "${1:-}" in
  --restore)
    restore
    echo "$BICEP"
    ;;
  "")
    restore
    out_dir="$(mktemp -d)"
    trap 'rm -rf "$out_dir"' EXIT
    run_bicep build build "$ROOT/infra/main.bicep" --outfile "$out_dir/main.json"
    run_bicep lint lint "$ROOT/infra/main.bicep"
    ;;
  *)
    echo "usage: infra/bicep-check.sh [--restore]" >&2
    exit 2
    ;;
esac
