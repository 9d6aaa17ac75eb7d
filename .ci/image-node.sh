#!/usr/bin/env bash
# The Node.js the image ships, for tests and the benchmark outside the image.
#
#   bash .ci/image-node.sh            prints the directory of its `node` binary
#   bash .ci/image-node.sh --version  prints the version only, fetching nothing
#   bash .ci/image-node.sh CMD ARGS   runs CMD with that directory first on PATH
#
# The version is the one the Dockerfile's `FROM node:X.Y.Z` pins (the single source). The binary comes
# from the npm registry's node-linux-<arch>@X.Y.Z package and is cached under
# ${IMAGE_NODE_CACHE:-~/.cache/redshift-namespace-gateway}, so it is fetched once per machine.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

version=$(sed -nE 's/^FROM node:([0-9]+\.[0-9]+\.[0-9]+)([-@ ].*)?$/\1/p' "$root/Dockerfile" | head -n 1)
[ -n "$version" ] || { echo "image-node: no 'FROM node:X.Y.Z' in $root/Dockerfile" >&2; exit 1; }
if [ "${1:-}" = "--version" ]; then
  echo "$version"
  exit 0
fi
case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "image-node: no Node.js package for $(uname -m)" >&2; exit 1 ;;
esac

cache="${IMAGE_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/redshift-namespace-gateway}"
dir="$cache/node-v$version-linux-$arch"
if [ "$("$dir/bin/node" --version 2>/dev/null || true)" != "v$version" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "node-linux-$arch@$version" >/dev/null && tar xzf ./*.tgz)
  [ "$("$work/package/bin/node" --version)" = "v$version" ] || { echo "image-node: the package's node is not v$version" >&2; exit 1; }
  mkdir -p "$cache"
  rm -rf "$dir"
  mv "$work/package" "$dir"
fi

if [ $# -eq 0 ]; then
  echo "$dir/bin"
else
  PATH="$dir/bin:$PATH" exec "$@"
fi
