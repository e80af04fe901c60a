#!/bin/sh
# Board side of scripts/deploy.sh (also used by the cloud-init seed): switches between releases
# under <prefix>/releases/<version> and (re)starts the node.
#   edgenode-release.sh [--prefix /opt/edgenode] [--state /var/lib/edgenode] [--service systemd|process] <command>
# commands:
#   activate <version>  current := releases/<version>, previous := the release before; install the unit, restart
#   rollback            current := previous; the release rolled back from is forgotten; restart
#   stop | start | restart
#   alive               exit 0 while the node runs (or systemd is still starting/restarting it)
#   current             print the active release
#   prune [N]           keep the newest N releases (default 3) besides current and previous
# --service process runs the node as a plain background process of the SSH user (boards or
# containers without systemd, and the tests); state, log and pid file live in --state.
set -eu

prefix=/opt/edgenode
state=/var/lib/edgenode
service=systemd
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="$2"; shift 2 ;;
    --state) state="$2"; shift 2 ;;
    --service) service="$2"; shift 2 ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || { echo "usage: $0 [--prefix P] [--state S] [--service systemd|process] activate <version>|rollback|stop|start|restart|alive|current|prune [N]" >&2; exit 64; }
case "$service" in systemd|process) ;; *) echo "edgenode-release.sh: unknown service manager '$service'" >&2; exit 64 ;; esac
command="$1"
shift

pidfile="$state/edgenode.pid"
history="$prefix/history"

link_target() {
  if [ -L "$prefix/$1" ]; then basename "$(readlink "$prefix/$1")"; fi
}

# Replaces a symlink atomically (rename over the old one), or removes it.
set_link() {
  if [ -z "$2" ]; then rm -f "$prefix/$1"; return; fi
  ln -sfn "releases/$2" "$prefix/.$1.new"
  mv -T "$prefix/.$1.new" "$prefix/$1"
}

# current := last line of the history, previous := the line before it.
set_links() {
  set_link current "$(tail -n 1 "$history")"
  set_link previous "$(tail -n 2 "$history" | sed -n '2{x;p;}; h' | head -n 1)"
}

install_unit() {
  for group in video gpio i2c; do
    getent group "$group" >/dev/null || groupadd --system "$group"
  done
  if ! getent passwd edgenode >/dev/null; then
    useradd --system --user-group --home-dir "$state" --no-create-home --shell /usr/sbin/nologin edgenode
  fi
  usermod -a -G video,gpio,i2c edgenode
  # The unit names /opt/edgenode; a different prefix is substituted.
  sed "s#/opt/edgenode#$prefix#g" "$prefix/current/edgenode.service" >/etc/systemd/system/edgenode.service.new
  mv /etc/systemd/system/edgenode.service.new /etc/systemd/system/edgenode.service
  systemctl daemon-reload
  systemctl enable edgenode.service >/dev/null 2>&1
}

running_pid() {
  if [ -f "$pidfile" ]; then
    pid="$(cat "$pidfile")"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      echo "$pid"
      return 0
    fi
  fi
  return 1
}

stop_node() {
  if [ "$service" = systemd ]; then
    systemctl stop edgenode.service
    return
  fi
  if pid="$(running_pid)"; then
    # SIGTERM: the node drains, publishes "offline" and exits within its 8 s shutdown timeout.
    kill -TERM "$pid"
    i=0
    while kill -0 "$pid" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; fi
  fi
  rm -f "$pidfile"
}

start_node() {
  if [ "$service" = systemd ]; then
    systemctl start edgenode.service
    return
  fi
  mkdir -p "$state"
  current="$prefix/current"
  [ -x "$current/edgenode" ] || { echo "edgenode-release.sh: no release is active under $prefix" >&2; exit 1; }
  # The child writes its own pid (sh execs the node, so the pid stays), loads the release's
  # settings and runs detached from the SSH session.
  # shellcheck disable=SC2016 # expanded by the child shell
  EdgeNode__Storage__Path="$state/edgenode.db" nohup sh -c '
    echo $$ >"$1"
    cd "$2"
    if [ -f "$3/edgenode.env" ]; then set -a; . "$3/edgenode.env"; set +a; fi
    exec "$3/edgenode"
  ' edgenode "$pidfile" "$state" "$current" </dev/null >>"$state/edgenode.log" 2>&1 &
  i=0
  while [ ! -s "$pidfile" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
}

restart_node() {
  if [ "$service" = systemd ]; then
    systemctl restart edgenode.service
  else
    stop_node
    start_node
  fi
}

case "$command" in
  activate)
    [ $# -eq 1 ] || { echo "usage: $0 activate <version>" >&2; exit 64; }
    version="$1"
    [ -x "$prefix/releases/$version/edgenode" ] || { echo "edgenode-release.sh: $prefix/releases/$version/edgenode is missing" >&2; exit 1; }
    old="$(link_target current)"
    # history: releases that came up, oldest first; re-activating one moves it to the end.
    { grep -vxF "$version" "$history" 2>/dev/null || true; echo "$version"; } >"$history.new"
    mv "$history.new" "$history"
    set_links
    if [ "$service" = systemd ]; then install_unit; fi
    restart_node
    echo "activated $version (previous: ${old:-none})"
    ;;
  rollback)
    failed="$(link_target current)"
    back="$(link_target previous)"
    [ -n "$back" ] || { echo "edgenode-release.sh: no previous release to roll back to" >&2; exit 1; }
    # The release rolled back from leaves the history; "previous" becomes the one before.
    grep -vxF "$failed" "$history" >"$history.new" || true
    mv "$history.new" "$history"
    set_links
    if [ "$service" = systemd ]; then install_unit; fi
    restart_node
    echo "rolled back to $back (from ${failed:-none})"
    ;;
  stop) stop_node ;;
  start) start_node ;;
  restart) restart_node ;;
  alive)
    if [ "$service" = systemd ]; then
      # "activating" covers start-up and the auto-restart delay; only a unit systemd gave up on is dead.
      if systemctl is-failed --quiet edgenode.service; then exit 1; fi
    else
      running_pid >/dev/null
    fi
    ;;
  current) link_target current ;;
  prune)
    keep="${1:-3}"
    cur="$(link_target current)"
    prev="$(link_target previous)"
    # Newest first by modification time; current and previous are never removed.
    # shellcheck disable=SC2012 # release names are ours: no newlines.
    ls -1t "$prefix/releases" | awk -v c="$cur" -v p="$prev" '$0 != c && $0 != p' | tail -n +"$((keep + 1))" |
      while read -r old; do
        rm -rf "${prefix:?}/releases/$old"
        if [ -f "$history" ]; then grep -vxF "$old" "$history" >"$history.new" || true; mv "$history.new" "$history"; fi
      done
    ;;
  *) echo "edgenode-release.sh: unknown command '$command'" >&2; exit 64 ;;
esac
