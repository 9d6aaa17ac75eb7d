#!/usr/bin/env bash
# Builds the unmodified Dockerfile with buildah and runs the image with podman as a platform would
# (read-only root, a memory limit, no capabilities, the policy and API keys mounted), against the
# emulator on the host, and checks: /livez (version and commit), /readyz, the image's HEALTHCHECK, a
# registration (202), a non-root user, the OCI labels, and SIGTERM exiting 0 within the shutdown
# budget. Prints the image size. No Docker engine and no registry are reachable here, so the
# Dockerfile's base image is a stand-in built from Debian plus the official Node.js binary of the
# Dockerfile's version (from the npm registry), tagged with the exact name FROM asks for, and cached.
#
#   usage: bash .ci/image.sh            (as root; installs buildah, podman, ... from Debian if missing)
#   env:   IMAGE_CACHE (default ~/.cache/redshift-namespace-gateway/containers), IMAGE_PORT (18090)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

step() { printf '\n--> %s\n' "$*"; }

NODE_VERSION=$(bash .ci/image-node.sh --version)
VERSION=$(node -p 'require("./package.json").version')
COMMIT=$(git rev-parse HEAD)
PORT=${IMAGE_PORT:-18090}
SHUTDOWN_BUDGET_S=25
CACHE=${IMAGE_CACHE:-$HOME/.cache/redshift-namespace-gateway/containers}
WORK=$(mktemp -d)
NAME=gateway-ci-$$
IMAGE=localhost/redshift-namespace-gateway:ci

packages=(buildah podman fuse-overlayfs slirp4netns uidmap runc debootstrap)
missing=()
for package in "${packages[@]}"; do dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package"); done
if [ ${#missing[@]} -gt 0 ]; then
  step "installing ${missing[*]} from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Containers' storage and settings of their own, so nothing depends on the machine's configuration.
# Pitfalls of this host (from ../shared/reference/container-recipe.sh): crun refuses its cgroups (runc,
# cgroupfs); podman's default nofile exceeds the hard limit; buildah keeps HEALTHCHECK only with
# --format docker; npm inside the build needs the host's CA bundle (mounted for RUN steps only).
mkdir -p "$CACHE/store" "$CACHE/run" "$WORK/tmp"
printf '[storage]\ndriver = "overlay"\ngraphroot = "%s/store"\nrunroot = "%s/run"\n' "$CACHE" "$CACHE" >"$WORK/storage.conf"
cat >"$WORK/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
tmp_dir = "$CACHE/run/libpod"
static_dir = "$CACHE/store/libpod"
volume_path = "$CACHE/store/volumes"
CONF
export CONTAINERS_STORAGE_CONF=$WORK/storage.conf CONTAINERS_CONF=$WORK/containers.conf TMPDIR=$WORK/tmp

emulator_pid=
otlp_pid=
cleanup() {
  podman rm -f "$NAME" >/dev/null 2>&1 || true
  [ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null || true
  [ -n "$otlp_pid" ] && kill "$otlp_pid" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

BASE=docker.io/library/node:$NODE_VERSION-bookworm-slim
if podman image exists "$BASE"; then
  step "stand-in base $BASE: cached"
else
  step "stand-in base $BASE: Debian bookworm minbase + Node.js $NODE_VERSION + its npm + user node (1000)"
  rootfs=$WORK/rootfs
  mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  debootstrap --variant=minbase bookworm "$rootfs" ${mirror:+"$mirror"} >"$WORK/debootstrap.log"
  chroot "$rootfs" apt-get clean
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/*
  chroot "$rootfs" groupadd --gid 1000 node
  chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  install -m 0755 "$(bash .ci/image-node.sh)/node" "$rootfs/usr/local/bin/node"
  # The npm that Node.js $NODE_VERSION bundles, as the official image has it.
  npm_version=$(npm view "node@$NODE_VERSION" --json 2>/dev/null | grep -Eo '"npm": *"[0-9.]+"' | grep -Eo '[0-9.]+' || true)
  (cd "$WORK" && npm pack "npm@${npm_version:-latest}" --silent >/dev/null)
  mkdir -p "$rootfs/usr/local/lib/node_modules/npm"
  tar -xzf "$WORK"/npm-*.tgz -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
  container=$(buildah from scratch)
  mount=$(buildah mount "$container")
  tar -C "$rootfs" -cf - . | tar -C "$mount" -xf -
  buildah umount "$container" >/dev/null
  buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --env NODE_VERSION="$NODE_VERSION" --cmd node "$container"
  buildah commit -q --rm "$container" "$BASE" >/dev/null
fi

step "build the Dockerfile as it is (GIT_COMMIT=$COMMIT)"
mkdir "$WORK/context"
# The files of the checkout (tracked, and new ones not ignored), as a clean clone would have them.
git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -C "$WORK/context" -xf -
printf 'cafile=/tmp/npm-ca.crt\n' >"$WORK/npmrc-build"
started=$(date +%s)
buildah bud -q --pull-never --format docker --isolation chroot --layers=false \
  --build-arg "GIT_COMMIT=$COMMIT" \
  -v /etc/ssl/certs/ca-certificates.crt:/tmp/npm-ca.crt:ro -v "$WORK/npmrc-build:/usr/local/etc/npmrc:ro" \
  -t "$IMAGE" "$WORK/context" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
echo "built in $(($(date +%s) - started)) s"
size=$(podman image inspect "$IMAGE" --format '{{.Size}}')
base_size=$(podman image inspect "$BASE" --format '{{.Size}}')
echo "image size: $((size / 1024 / 1024)) MiB, of which the gateway's layers $(((size - base_size) / 1024 / 1024)) MiB over the base"

labels=$(podman image inspect "$IMAGE" --format '{{json .Labels}}')
echo "labels: $labels"
node -e '
  const labels = JSON.parse(process.argv[1]);
  const [version, commit] = process.argv.slice(2);
  if (labels["org.opencontainers.image.version"] !== version) throw new Error("version label is not " + version);
  if (labels["org.opencontainers.image.revision"] !== commit) throw new Error("revision label is not " + commit);
' "$labels" "$VERSION" "$COMMIT"

step "the image holds no dev dependencies, build tools or unused swagger-ui files"
podman run --rm --read-only --no-healthcheck --entrypoint node "$IMAGE" -e '
  const fs = require("node:fs");
  const problems = [];
  // Type packages may come in as dependencies of production packages; the tools may not.
  const tools = Object.keys(require("./package.json").devDependencies).filter((name) => !name.startsWith("@types/"));
  for (const dev of tools) {
    if (fs.existsSync("node_modules/" + dev)) problems.push("dev dependency " + dev);
  }
  for (const path of ["src", "test", "tsconfig.json", "node_modules/typescript"]) {
    if (fs.existsSync(path)) problems.push(path);
  }
  const swagger = fs.readdirSync("node_modules/swagger-ui-dist").filter((f) => /\.map$|^swagger-ui\.js$|es-bundle|^index\.html$/.test(f));
  if (swagger.length) problems.push("swagger-ui-dist files the page does not load: " + swagger.join(", "));
  if (problems.length) { console.error(problems.join("\n")); process.exit(1); }
  console.log("lean: no development tool, no sources, no unused swagger-ui files");
'

step "run it as a platform would, against the emulator on the host"
emulator_port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
EMULATOR_PORT=$emulator_port node --import tsx test/emulator/serve.ts >"$WORK/emulator.log" 2>&1 &
emulator_pid=$!
# A stand-in OpenTelemetry collector: it records what reaches its OTLP/HTTP endpoint.
otlp_port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
node -e '
  const [file, port] = process.argv.slice(1);
  let exports = 0;
  require("node:http").createServer((req, res) => {
    let bytes = 0;
    req.on("data", (chunk) => (bytes += chunk.length));
    req.on("end", () => {
      exports += 1;
      require("node:fs").writeFileSync(file, `${exports} export(s); the last: ${bytes} bytes of ${req.headers["content-type"]} to ${req.url}\n`);
      res.end();
    });
  }).listen(Number(port), "127.0.0.1");
' "$WORK/otlp" "$otlp_port" &
otlp_pid=$!
secrets=$WORK/secrets
mkdir "$secrets"
cp test/emulator/local-policy.yaml "$secrets/policy.yaml"
printf 'local-developer %s\n' "$(printf %s local-dev-key | sha256sum | cut -d' ' -f1)" >"$secrets/api-keys"
chmod 0644 "$secrets"/*
access_key=$(node -p 'require("./test/emulator/seed.json").baseCredentials[0].accessKeyId')
secret_key=$(node -p 'require("./test/emulator/seed.json").baseCredentials[0].secretAccessKey')
role_arn=$(node -p 'require("./test/emulator/seed.json").roles[0].arn')
podman run -d --name "$NAME" --network host --read-only --memory 384m --cap-drop ALL \
  --security-opt no-new-privileges \
  -v "$secrets/policy.yaml:/etc/redshift-namespace-gateway/policy.yaml:ro" \
  -v "$secrets/api-keys:/etc/redshift-namespace-gateway/keys/api-keys:ro" \
  -e PORT="$PORT" -e HOST=127.0.0.1 -e SHUTDOWN_TIMEOUT_MS=$((SHUTDOWN_BUDGET_S * 1000)) \
  -e AWS_REGION=us-east-1 -e REDSHIFT_ROLE_ARN="$role_arn" \
  -e AWS_ENDPOINT_URL="http://127.0.0.1:$emulator_port" \
  -e AWS_ACCESS_KEY_ID="$access_key" -e AWS_SECRET_ACCESS_KEY="$secret_key" \
  -e API_KEYS_FILE=/etc/redshift-namespace-gateway/keys/api-keys \
  -e OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$otlp_port" \
  "$IMAGE" >/dev/null 2>"$WORK/podman.log" || { cat "$WORK/podman.log"; exit 1; }
url=http://127.0.0.1:$PORT
for _ in $(seq 1 100); do curl -fsS "$url/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS "$url/readyz" || { podman logs "$NAME"; exit 1; }
echo
livez=$(curl -fsS "$url/livez")
echo "/livez: $livez"
[ "$livez" = "{\"status\":\"ok\",\"version\":\"$VERSION\",\"commit\":\"$COMMIT\"}" ] || { echo "unexpected /livez" >&2; exit 1; }
# Without systemd, podman runs the image's HEALTHCHECK on demand only (and says so on stderr).
podman healthcheck run "$NAME" 2>>"$WORK/podman.log" && echo "HEALTHCHECK: healthy"
uid=$(podman exec "$NAME" id -u)
echo "runs as uid $uid"
[ "$uid" != 0 ] || { echo "the container runs as root" >&2; exit 1; }
status=$(curl -sS -o "$WORK/answer" -w '%{http_code}' "$url/namespaces/registrations" \
  -H 'Authorization: Bearer local-dev-key' -H 'Content-Type: application/json' \
  -d '{"NamespaceIdentifier":{"ProvisionedIdentifier":{"ClusterIdentifier":"analytics-prod"}},"ConsumerIdentifiers":["DataCatalog/111122223333"]}')
echo "registration: $status $(cat "$WORK/answer")"
[ "$status" = 202 ] || { podman logs "$NAME"; exit 1; }
rss=$(podman stats --no-stream --format '{{.MemUsage}}' "$NAME" 2>/dev/null || echo "n/a")
echo "memory in use: $rss"

step "SIGTERM: exit 0 within the shutdown budget (${SHUTDOWN_BUDGET_S} s)"
signalled=$(date +%s%N)
podman kill --signal TERM "$NAME" >/dev/null
exit_code=$(podman wait "$NAME" 2>>"$WORK/podman.log")
# When the process ended, by the container's own record (podman wait itself may linger for seconds).
finished=$(date -d "$(podman inspect "$NAME" --format '{{.State.FinishedAt}}' | sed 's/ +0000 UTC//')" +%s%N)
elapsed_ms=$(((finished - signalled) / 1000000))
echo "exit code $exit_code, $elapsed_ms ms after SIGTERM"
[ "$exit_code" = 0 ] || { podman logs "$NAME"; exit 1; }
[ "$elapsed_ms" -lt $((SHUTDOWN_BUDGET_S * 1000)) ] || { echo "shutdown took longer than the budget" >&2; exit 1; }
podman logs "$NAME" | tail -n 2

step "tracing: the spans still pending at SIGTERM reached the collector"
cat "$WORK/otlp" 2>/dev/null || { echo "no span export reached the collector" >&2; exit 1; }
