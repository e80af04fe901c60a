#!/usr/bin/env bash
# Deploys EdgeNode to boards over SSH: publishes a self-contained build per board architecture,
# copies it (rsync) into <prefix>/releases/<version>, activates it (installs/upgrades the systemd
# unit and restarts the node), waits for the node's retained "online" status over MQTT, and rolls
# back to the previous release when the new one does not come up.
#
#   scripts/deploy.sh [options] <node-id>=<[user@]host[:port]>[,<rid>] ...
#   scripts/deploy.sh [options] --inventory boards.txt
#
# Inventory: one board a line, "<node-id> <[user@]host[:port]> [linux-arm64|linux-x64]"; # comments.
# Without a RID the board is asked (uname -m).
#
# Options:
#   --inventory FILE         boards to deploy to
#   --env FILE               KEY=value settings for every node (EdgeNode__Mqtt__Host, …); the
#                            release gets them plus EdgeNode__NodeId=<node-id>
#   --publish-dir RID=DIR    ship DIR for boards of RID instead of running scripts/publish.sh RID
#   --version NAME           release name (default: <git describe>-<UTC time>)
#   --prefix DIR             install root on the board (default /opt/edgenode)
#   --state-dir DIR          node state on the board (default /var/lib/edgenode)
#   --service systemd|process  how the board runs the node (default systemd; process: a
#                            background process of the SSH user, for boards without systemd)
#   --ssh-key FILE           identity file;   --ssh-option OPT   extra ssh -o option (repeatable)
#   --mqtt-host HOST         broker to watch (default: the board's own host)
#   --mqtt-port PORT         (default 1883); credentials: EDGENODE_MQTT_USER / EDGENODE_MQTT_PASSWORD
#   --timeout SECONDS        how long a release may take to come online (default 120)
#   --parallel N             boards deployed at once (default 1)
#   --rollback               publish nothing: switch every board back to its previous release
#   --dry-run                print what would be done; touch nothing, contact no board
#
# Exit: 0 every board is online on the new release; 1 at least one board failed or was rolled
# back (see the per-board result lines); 64 usage.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
here="$root/scripts"

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 64; }
die() { echo "deploy.sh: $*" >&2; exit 64; }

inventory="" env_file="" version="" prefix=/opt/edgenode state=/var/lib/edgenode service=systemd
ssh_key="" mqtt_host="" mqtt_port=1883 timeout=120 parallel=1 rollback=0 dry_run=0
declare -A publish_dirs=()
ssh_extra=()
boards=()
while [ $# -gt 0 ]; do
  case "$1" in
    --inventory) inventory="$2"; shift 2 ;;
    --env) env_file="$2"; shift 2 ;;
    --publish-dir) [[ "$2" == *=* ]] || die "--publish-dir takes RID=DIR"; publish_dirs["${2%%=*}"]="${2#*=}"; shift 2 ;;
    --version) version="$2"; shift 2 ;;
    --prefix) prefix="$2"; shift 2 ;;
    --state-dir) state="$2"; shift 2 ;;
    --service) service="$2"; shift 2 ;;
    --ssh-key) ssh_key="$2"; shift 2 ;;
    --ssh-option) ssh_extra+=(-o "$2"); shift 2 ;;
    --mqtt-host) mqtt_host="$2"; shift 2 ;;
    --mqtt-port) mqtt_port="$2"; shift 2 ;;
    --timeout) timeout="$2"; shift 2 ;;
    --parallel) parallel="$2"; shift 2 ;;
    --rollback) rollback=1; shift ;;
    --dry-run) dry_run=1; shift ;;
    -h|--help) usage ;;
    -*) die "unknown option $1" ;;
    *=*) boards+=("${1%%=*} ${1#*=}"); shift ;;
    *) die "a board is <node-id>=<[user@]host[:port]>[,<rid>], got '$1'" ;;
  esac
done

if [ -n "$inventory" ]; then
  [ -f "$inventory" ] || die "inventory $inventory not found"
  while read -r node target rid _; do
    case "$node" in ''|'#'*) continue ;; esac
    [ -n "$target" ] || die "inventory line for $node has no target"
    boards+=("$node $target${rid:+,$rid}")
  done <"$inventory"
fi
[ ${#boards[@]} -gt 0 ] || usage
case "$service" in systemd|process) ;; *) die "--service is systemd or process" ;; esac
[[ "$parallel" =~ ^[1-9][0-9]*$ ]] || die "--parallel takes a positive number"
[[ "$timeout" =~ ^[1-9][0-9]*$ ]] || die "--timeout takes a positive number of seconds"
if [ -n "$env_file" ] && [ ! -f "$env_file" ]; then die "env file $env_file not found"; fi
if [ -z "$version" ]; then
  version="$(git -C "$root" describe --always --dirty 2>/dev/null || echo local)-$(date -u +%Y%m%dT%H%M%SZ)"
fi
[[ "$version" =~ ^[A-Za-z0-9._+-]+$ ]] || die "--version may hold letters, digits and . _ + - only"

ssh_opts=(-o BatchMode=yes -o ConnectTimeout=10 -o ServerAliveInterval=5)
if [ -n "$ssh_key" ]; then ssh_opts+=(-i "$ssh_key" -o IdentitiesOnly=yes); fi
ssh_opts+=("${ssh_extra[@]}")

# "node target[,rid]" -> globals node, user_host, port, host, rid
parse_board() {
  node="${1%% *}"
  local rest="${1#* }"
  rid=""
  if [[ "$rest" == *,* ]]; then rid="${rest#*,}"; rest="${rest%%,*}"; fi
  port=22
  user_host="$rest"
  if [[ "$rest" =~ ^(.+):([0-9]+)$ ]]; then user_host="${BASH_REMATCH[1]}"; port="${BASH_REMATCH[2]}"; fi
  host="${user_host#*@}"
  [[ "$node" =~ ^[^/+#[:space:]]+$ ]] || die "node id '$node' is not one MQTT topic level"
  case "$rid" in ''|linux-x64|linux-arm64) ;; *) die "$node: unsupported RID '$rid'" ;; esac
}

run() {
  if [ "$dry_run" -eq 1 ]; then
    { printf '[dry-run]'; printf ' %q' "$@"; printf '\n'; } >&2
  else
    "$@"
  fi
}

remote() { ssh "${ssh_opts[@]}" -p "$port" "$user_host" "$@"; }

# Root on the board, or sudo -n for the systemd install; a process-mode install runs as the SSH user.
remote_sudo() {
  if [ "$service" = systemd ] && [ "${user_host%%@*}" != root ] && [[ "$user_host" == *@* ]]; then echo "sudo -n"; fi
}

release_cmd() {
  local sudo
  sudo="$(remote_sudo)"
  printf '%s sh %q/bin/edgenode-release.sh --prefix %q --state %q --service %q' "$sudo" "$prefix" "$prefix" "$state" "$service"
}

detect_rid() {
  local machine
  machine="$(remote uname -m)" || return 1
  case "$machine" in
    aarch64|arm64) echo linux-arm64 ;;
    x86_64|amd64) echo linux-x64 ;;
    *) echo "deploy.sh: $node: unsupported architecture $machine" >&2; return 1 ;;
  esac
}

wait_online() {
  local deadline=$((SECONDS + timeout))
  local broker="${mqtt_host:-$host}"
  while [ "$SECONDS" -lt "$deadline" ]; do
    if "$here/wait-online.sh" -h "$broker" -p "$mqtt_port" -t 5 "$node" >/dev/null 2>&1; then return 0; fi
    # A node that already exited (bad configuration, crash) will not come up: fail early.
    if ! remote "$(release_cmd) alive" >/dev/null 2>&1; then
      echo "the node is not running on the board"
      return 1
    fi
  done
  echo "not online within ${timeout}s"
  return 1
}

# Deploys one board; prints one result line on stdout, details on stderr (the board's log).
deploy_board() {
  parse_board "$1"
  local started=$SECONDS release="$prefix/releases/$version" staging
  local label="$node ($user_host:$port)"
  if [ "$rollback" -eq 1 ]; then
    if [ "$dry_run" -eq 1 ]; then
      run ssh -p "$port" "$user_host" "$(release_cmd) rollback"
      echo "DRY-RUN  $label: would roll back to the previous release"
      return 0
    fi
    if ! remote "$(release_cmd) rollback" >&2; then
      echo "FAILED   $label: rollback refused (no previous release?)"; return 1
    fi
    if reason="$(wait_online)"; then
      echo "OK       $label: rolled back to $(remote "$(release_cmd) current"), online ($((SECONDS - started))s)"; return 0
    fi
    echo "FAILED   $label: rolled back, but $reason"; return 1
  fi

  local dir="${publish_dirs[$rid]}"
  staging="$(mktemp -d)"
  # shellcheck disable=SC2064 # expand now: the path is local to this board
  trap "rm -rf '$staging'" RETURN
  {
    if [ -n "$env_file" ]; then grep -v '^[[:space:]]*\(#\|$\)' "$env_file" | grep -v '^EdgeNode__NodeId=' || true; fi
    echo "EdgeNode__NodeId=$node"
  } >"$staging/edgenode.env"
  cp "$root/deploy/systemd/edgenode.service" "$staging/edgenode.service"
  mkdir -p "$staging/bin"
  cp "$here/edgenode-release.sh" "$staging/bin/edgenode-release.sh"

  local sudo rsync_path=() rsh
  sudo="$(remote_sudo)"
  if [ -n "$sudo" ]; then rsync_path=(--rsync-path "$sudo rsync"); fi
  rsh="ssh$(printf ' %q' "${ssh_opts[@]}") -p $port"

  run ssh "${ssh_opts[@]}" -p "$port" "$user_host" "$sudo mkdir -p $(printf '%q' "$release") $(printf '%q' "$prefix/bin")" >&2 ||
    { echo "FAILED   $label: cannot reach the board or create $release"; return 1; }
  # --link-dest: files unchanged since the active release are hard-linked, not sent again.
  if ! run rsync -a --delete "${rsync_path[@]}" -e "$rsh" --link-dest="$prefix/current/" \
      "$dir/" "$staging/edgenode.env" "$staging/edgenode.service" "$user_host:$release/" >&2 ||
    ! run rsync -a "${rsync_path[@]}" -e "$rsh" "$staging/bin/" "$user_host:$prefix/bin/" >&2; then
    echo "FAILED   $label: copying the release failed"; return 1
  fi

  if [ "$dry_run" -eq 1 ]; then
    run ssh -p "$port" "$user_host" "$(release_cmd) activate $version"
    run "$here/wait-online.sh" -h "${mqtt_host:-$host}" -p "$mqtt_port" -t "$timeout" "$node"
    echo "DRY-RUN  $label: would install $version ($rid) from $dir"
    return 0
  fi

  if ! remote "$(release_cmd) activate $(printf '%q' "$version")" >&2; then
    echo "FAILED   $label: activating $version failed"; return 1
  fi
  local reason
  if reason="$(wait_online)"; then
    remote "$(release_cmd) prune 3" >&2 || true
    echo "OK       $label: $version ($rid) online ($((SECONDS - started))s)"
    return 0
  fi
  echo "--- $node: $version did not come up ($reason); rolling back" >&2
  if ! remote "$(release_cmd) rollback" >&2; then
    remote "$(release_cmd) stop" >&2 || true
    echo "FAILED   $label: $version did not come up ($reason); no previous release, node stopped"
    return 1
  fi
  local back
  back="$(remote "$(release_cmd) current")"
  if reason2="$(wait_online)"; then
    echo "ROLLBACK $label: $version did not come up ($reason); rolled back to $back, online ($((SECONDS - started))s)"
  else
    echo "FAILED   $label: $version did not come up ($reason); rolled back to $back, but $reason2"
  fi
  return 1
}

# 1. Architecture of each board (asked over SSH unless given), then one publish per architecture.
resolved=()
for board in "${boards[@]}"; do
  parse_board "$board"
  if [ -z "$rid" ] && [ "$rollback" -eq 0 ]; then
    if [ "$dry_run" -eq 1 ]; then
      rid=linux-arm64
      echo "[dry-run] $node: RID not given; would ask the board (uname -m), assuming $rid" >&2
    elif ! rid="$(detect_rid)"; then
      echo "FAILED   $node ($user_host:$port): cannot reach the board to detect its architecture"
      exit 1
    fi
  fi
  resolved+=("$node $user_host:$port,$rid")
done

if [ "$rollback" -eq 0 ]; then
  for board in "${resolved[@]}"; do
    parse_board "$board"
    if [ -z "${publish_dirs[$rid]:-}" ]; then
      publish_dirs[$rid]="$root/artifacts/publish/$rid"
      echo "publishing $rid ..." >&2
      run "$here/publish.sh" "$rid" "${publish_dirs[$rid]}" >&2
    fi
    if [ "$dry_run" -eq 0 ] && [ ! -x "${publish_dirs[$rid]}/edgenode" ]; then
      die "${publish_dirs[$rid]} holds no edgenode executable"
    fi
  done
  echo "release $version" >&2
fi

# 2. Boards, N at a time; each writes its result line and log to files printed in order.
results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT
i=0
running=0
for board in "${resolved[@]}"; do
  i=$((i + 1))
  ( deploy_board "$board" >"$results/$i.result" 2>"$results/$i.log" ) &
  running=$((running + 1))
  if [ "$running" -ge "$parallel" ]; then wait -n || true; running=$((running - 1)); fi
done
wait || true

status=0
for n in $(seq 1 "$i"); do
  line="$(cat "$results/$n.result" 2>/dev/null || true)"
  [ -n "$line" ] || line="FAILED   ${resolved[$((n - 1))]%% *}: no result"
  case "$line" in OK*|DRY-RUN*) ;; *) status=1; sed 's/^/  | /' "$results/$n.log" >&2 ;; esac
  if [ "$dry_run" -eq 1 ]; then cat "$results/$n.log" >&2; fi
  echo "$line"
done
exit "$status"
