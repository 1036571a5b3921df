#!/usr/bin/env bash
# Sourced by .ci/run: makes sure `node` is Node.js 22 LTS, the version the product targets (Azure Functions runs
# it; Node 20 left support on 30 April 2026). On an older Node it says what to install and, since CI starts from
# a fresh machine image whose only reachable registries are npm, NuGet and Debian, installs the official Node 22
# binary that the npm registry publishes as `node-linux-<arch>` into .local/ (git-ignored), then puts it first on
# PATH. `npm` itself stays the machine's (it runs on whichever `node` comes first on PATH).
NODE_REQUIRED_MAJOR=22
NODE_PINNED=22.23.5
# npm's sha512 integrity of each pinned tarball, as the registry published it (npm pack checks it too).
declare -A NODE_INTEGRITY=(
  [x64]='sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw=='
  [arm64]='sha512-e1LOUGKVruPGuLVutn8+Cgm5pI1APm4Kvh+zbb/qe/ZpD9s+TQby5iUgZOWmPpbSKpj0Td8DP1N0NEnXasHizg=='
)

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

ensure_node_22() {
  local root have arch dir tarball
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  have="$(node_major)"
  if [ "$have" -ge "$NODE_REQUIRED_MAJOR" ]; then return 0; fi
  echo "node: this product needs Node.js $NODE_REQUIRED_MAJOR LTS or newer; found $(node --version 2>/dev/null || echo 'no node')." >&2
  echo "node: install Node.js $NODE_REQUIRED_MAJOR (https://nodejs.org/en/download, or 'nvm install $NODE_REQUIRED_MAJOR'), then run this again." >&2
  case "$(uname -s)/$(uname -m)" in
    Linux/x86_64) arch=x64 ;;
    Linux/aarch64) arch=arm64 ;;
    *) echo "node: no pinned Node $NODE_PINNED for $(uname -s)/$(uname -m); install it yourself." >&2; return 1 ;;
  esac
  dir="$root/.local/node-$NODE_PINNED-linux-$arch"
  if [ ! -x "$dir/bin/node" ]; then
    echo "node: CI installs Node $NODE_PINNED now, from the npm registry's node-linux-$arch package, into $dir" >&2
    rm -rf "$dir" "$dir.download" && mkdir -p "$dir.download"
    tarball="$(cd "$dir.download" && npm pack --silent "node-linux-$arch@$NODE_PINNED")"
    local integrity
    integrity="$(node -e 'const c = require("crypto"), fs = require("fs");
      process.stdout.write("sha512-" + c.createHash("sha512").update(fs.readFileSync(process.argv[1])).digest("base64"))' "$dir.download/$tarball")"
    if [ "$integrity" != "${NODE_INTEGRITY[$arch]}" ]; then
      echo "node: node-linux-$arch@$NODE_PINNED does not have the pinned integrity ($integrity)." >&2
      return 1
    fi
    tar -xzf "$dir.download/$tarball" -C "$dir.download"
    mv "$dir.download/package" "$dir" && rm -rf "$dir.download"
  fi
  export PATH="$dir/bin:$PATH"
  [ "$(node_major)" -ge "$NODE_REQUIRED_MAJOR" ] || { echo "node: $dir/bin/node does not run here." >&2; return 1; }
}
