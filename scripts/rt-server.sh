#!/usr/bin/env bash
# A throwaway Request Tracker 5 for the ticket tests (Debian's request-tracker5, installed by
# scripts/test-peers.sh ensure), on loopback, with its own SQLite database and config in one folder.
#
#   rt-server.sh start <dir> <port>   copy the seeded template DB into <dir> (unless <dir> has one: a restart
#                                     keeps its tickets), start rt-server (Starlet,
#                                     1 worker) on 127.0.0.1:<port>, wait until REST2 answers; prints
#                                     "RT_URL=… RT_TOKEN=… RT_PID=…" (also in <dir>/rt.env)
#   rt-server.sh stop <dir>           stop the server started in <dir>
#
# The template (package DB + scripts/rt/rt-seed.pl: custom field ExternalRef, queue Helpdesk, a bot user
# and its REST2 token) is made once under /var/tmp/mypass-rt-template and reused: a start is the copy and
# the server's start-up (~1.5 s). Config goes through RT_SITE_CONFIG_DIR: nothing in /etc is changed.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RT_LIB=/usr/share/request-tracker5
PACKAGE_DB=/var/lib/dbconfig-common/sqlite3/request-tracker5/rtdb
TEMPLATE=${MYPASS_RT_TEMPLATE:-/var/tmp/mypass-rt-template}
die() { echo "rt-server: $*" >&2; exit 1; }

# <dir>/conf.d: the package's site config, then ours (loaded last): DB file, URL, no syslog, mail to mbox,
# cheap bcrypt (the default cost 12 makes every token-authenticated request take ~300 ms).
write_config() { # dir port
  local dir="$1" port="$2"
  mkdir -p "$dir/conf.d" "$dir/mail"
  cp /etc/request-tracker5/RT_SiteConfig.d/*.pm "$dir/conf.d/"
  cat > "$dir/conf.d/99-mypass-tests.pm" <<PERL
Set(\$DatabaseName, '$dir/rtdb');
Set(\$WebPath, '');
Set(\$WebDomain, '127.0.0.1');
Set(\$WebPort, $port);
Set(\$WebBaseURL, 'http://127.0.0.1:$port');
Set(\$LogToSyslog, undef);
Set(\$LogToFile, undef);
Set(\$LogToSTDERR, 'warning');
Set(\$MailCommand, 'mbox');
Set(\$BcryptCost, 4);
1;
PERL
}

make_template() {
  [[ -f "$PACKAGE_DB" ]] || die "no Request Tracker database at $PACKAGE_DB: run bash scripts/test-peers.sh ensure (as root)"
  local tmp; tmp="$(mktemp -d "${TEMPLATE}.XXXXXX")"
  cp "$PACKAGE_DB" "$tmp/rtdb"
  write_config "$tmp" 8080
  RT_SITE_CONFIG_DIR="$tmp/conf.d" perl "$HERE/rt/rt-seed.pl" > "$tmp/token.txt" 2> "$tmp/seed.log" ||
    die "seeding the template failed: $(tail -5 "$tmp/seed.log")"
  [[ -s "$tmp/token.txt" ]] || die "the seed printed no token"
  rm -rf "$tmp/conf.d" "$tmp/mail"
  rm -rf "$TEMPLATE"; mv "$tmp" "$TEMPLATE" 2>/dev/null || [[ -f "$TEMPLATE/token.txt" ]] || die "could not place the template"
}

start() {
  local dir="$1" port="$2"
  [[ -x "$RT_LIB/libexec/rt-server" ]] || die "request-tracker5 is not installed: run bash scripts/test-peers.sh ensure (as root)"
  [[ -f "$TEMPLATE/token.txt" && "$TEMPLATE/rtdb" -nt "$PACKAGE_DB" ]] || make_template
  mkdir -p "$dir"
  [[ -f "$dir/rtdb" ]] || cp "$TEMPLATE/rtdb" "$dir/rtdb"
  write_config "$dir" "$port"
  local token; token="$(cat "$TEMPLATE/token.txt")"
  # $! is the Starlet master (no setsid: with job control it would fork). One worker keeps it small.
  ( cd "$dir/mail" && RT_SITE_CONFIG_DIR="$dir/conf.d" exec "$RT_LIB/libexec/rt-server" --host 127.0.0.1 --port "$port" --max-workers 1 ) \
    > "$dir/rt-server.log" 2>&1 &
  local pid=$!
  echo "$pid" > "$dir/rt-server.pid"
  local i
  for i in $(seq 1 200); do
    kill -0 "$pid" 2>/dev/null || die "rt-server exited during start-up: $(tail -5 "$dir/rt-server.log")"
    if curl -fs -o /dev/null -H "Authorization: token $token" "http://127.0.0.1:$port/REST/2.0/queues/all"; then
      printf 'RT_URL=http://127.0.0.1:%s\nRT_TOKEN=%s\nRT_PID=%s\n' "$port" "$token" "$pid" | tee "$dir/rt.env"
      return 0
    fi
    sleep 0.1
  done
  kill -TERM "$pid" 2>/dev/null || true
  die "rt-server did not answer on port $port within 20 s: $(tail -5 "$dir/rt-server.log")"
}

stop() {
  local dir="$1" pid
  [[ -f "$dir/rt-server.pid" ]] || return 0
  pid="$(cat "$dir/rt-server.pid")"
  kill -TERM "$pid" 2>/dev/null || return 0
  local i
  for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}

case "${1:-}" in
  start) [[ $# == 3 ]] || die "usage: $0 start <dir> <port>"; start "$2" "$3" ;;
  stop) [[ $# == 2 ]] || die "usage: $0 stop <dir>"; stop "$2" ;;
  *) die "usage: $0 start <dir> <port> | stop <dir>" ;;
esac
