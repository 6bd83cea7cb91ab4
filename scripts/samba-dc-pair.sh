#!/usr/bin/env bash
# Two writable Samba AD DCs of one domain on two loopback addresses, replicating both ways: for the
# lockout forensics tests (`lockout <user>` reads each DC on its own connection).
#
#   samba-dc-pair.sh start <dir>   provision DC1, join DC2 to it, start both, wait until both answer LDAPS
#   samba-dc-pair.sh stop <dir>    stop both (by their recorded PIDs) and drop their /etc/hosts lines
#
# Recipe and pitfalls: ../shared/notes/samba-ad.md ("Two DCs of one domain"). Each DC has its own sockets
# (ncalrpc, winbindd, ntp_signd, pid directory under its own folder) and binds only its own address, so a
# pair and any single test DC (scripts/samba-dc.sh) run side by side. Names are unique per pair
# (p1<hex>, p2<hex>), so the /etc/hosts lines replication needs never clash with a parallel run's.
# After `start`, <dir>/pair.env holds KEY='value' lines (test/helpers/samba-pair.ts reads them).
set -euo pipefail

REALM=CORP.EXAMPLE.TEST
DNS_DOMAIN=corp.example.test
DOMAIN=CORP
BASE_DN='DC=corp,DC=example,DC=test'
ADMIN_PASSWORD='Adm1n!Samba-Pair-9'
USER_PASSWORD='Passw0rd!Pair-1'
ADDRESSES=(127.0.0.{40..70})
HOSTS=/etc/hosts

die() { echo "samba-dc-pair: $*" >&2; exit 1; }
log() { echo "samba-dc-pair: $*" >&2; }
now_ms() { date +%s%3N; }

port_taken() { ss -Hltn 2>/dev/null | awk '{print $4}' | grep -Eq "^($1|0\.0\.0\.0|\*|\[::\]):(636|389|88|135)$"; }

free_addresses() { # two addresses nobody listens on (LDAP, Kerberos, RPC)
  local a out=()
  for a in "${ADDRESSES[@]}"; do
    port_taken "$a" && continue
    grep -q "^$a " "$HOSTS" && continue # another pair's address
    out+=("$a"); (( ${#out[@]} == 2 )) && break
  done
  (( ${#out[@]} == 2 )) || die "no two free loopback addresses in ${ADDRESSES[0]}…${ADDRESSES[-1]}"
  echo "${out[@]}"
}

# Lines tagged with the pair's folder, so that stop removes exactly ours. flock: parallel pairs.
hosts_append() { ( flock -w 30 9; echo "$1 # mypass-pair $2" >>"$HOSTS" ) 9>/var/lock/mypass-pair-hosts.lock; }
hosts_drop() { ( flock -w 30 9; local tmp; tmp="$(grep -vF "# mypass-pair $1" "$HOSTS" || true)"; printf '%s\n' "$tmp" >"$HOSTS" ) 9>/var/lock/mypass-pair-hosts.lock; }

make_certs() { # one CA, one server certificate for both DCs' names and addresses
  local d="$1" san="$2"
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$d/ca.key" -out "$d/ca.pem" \
    -days 3650 -subj "/CN=MyPass Pair Test CA" -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$d/server.key" -out "$d/server.csr" -subj "/CN=localhost" 2>/dev/null
  printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' "$san" >"$d/server.ext"
  openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial -out "$d/server.pem" -days 3650 -extfile "$d/server.ext" 2>/dev/null
  chmod 600 "$d/server.key" "$d/ca.key"
}

# The options every samba of the pair gets: its own address and its own sockets.
dc_options() {
  local w="$1" addr="$2" tls="$3"
  printf '%s\n' "--option=interfaces=$addr/8" "--option=bind interfaces only=yes" \
    "--option=server services=ldap, rpc, kdc, drepl, cldap" \
    "--option=pid directory=$w/run" "--option=log file=$w/log/samba.log" \
    "--option=ncalrpc dir=$w/run/ncalrpc" "--option=winbindd socket directory=$w/run/winbindd" \
    "--option=ntp signd socket directory=$w/run/ntp_signd" \
    "--option=tls enabled=yes" "--option=tls keyfile=$tls/server.key" "--option=tls certfile=$tls/server.pem" \
    "--option=tls cafile=$tls/ca.pem" "--option=old password allowed period=0"
}

start_samba() {
  local w="$1" addr="$2" i pid
  KRB5_CONFIG="$KRB5" samba -s "$w/etc/smb.conf" -D
  for i in $(seq 1 200); do
    [[ -s "$w/run/samba.pid" ]] && ss -Hltn | awk '{print $4}' | grep -qx "$addr:636" && break
    sleep 0.05
  done
  pid="$(tr -dc 0-9 <"$w/run/samba.pid")"
  echo "$pid" >"$w/samba.pid"
  for i in $(seq 1 100); do
    LDAPTLS_CACERT="$TLS/ca.pem" LDAPTLS_REQCERT=demand ldapsearch -LLL -o nettimeout=5 -H "ldaps://$addr:636" -x \
      -D "Administrator@$DNS_DOMAIN" -w "$ADMIN_PASSWORD" -b "" -s base defaultNamingContext >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  die "LDAPS on $addr does not answer; log: $w/log/samba.log"
}

ntds_guid() { # objectGUID of a DC's NTDS Settings (the name replication connects to), read from DC1's database
  /usr/bin/python3 - "$1" "$2" <<'PY'
import sys
from samba.samdb import SamDB
from samba.auth import system_session
from samba.param import LoadParm
from samba.ndr import ndr_unpack
from samba.dcerpc import misc
lp = LoadParm(); lp.load(sys.argv[1] + "/etc/smb.conf")
db = SamDB(url=lp.private_path("sam.ldb"), session_info=system_session(), lp=lp)
for m in db.search(base="CN=Sites,CN=Configuration," + str(db.domain_dn()), expression="(objectClass=nTDSDSA)", attrs=["objectGUID"]):
    if str(m.dn).upper().startswith("CN=NTDS SETTINGS,CN=%s," % sys.argv[2].upper()):
        print(str(ndr_unpack(misc.GUID, m["objectGUID"][0])))
PY
}

start_pair() {
  local dir="$1" t0 a1 a2 tag n1 n2
  t0=$(now_ms)
  mkdir -p "$dir"; dir="$(readlink -f "$dir")"
  [[ -f "$dir/pair.env" ]] && die "$dir already holds a pair: stop it first"
  read -r a1 a2 < <(free_addresses)
  tag="$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')"
  n1="p1$tag"; n2="p2$tag"
  TLS="$dir/tls"; KRB5="$dir/krb5.conf"
  mkdir -p "$TLS" "$dir/dc1/run" "$dir/dc1/log" "$dir/dc2/run" "$dir/dc2/log"
  make_certs "$TLS" "DNS:localhost,DNS:$n1.$DNS_DOMAIN,DNS:$n2.$DNS_DOMAIN,IP:$a1,IP:$a2"
  printf '[libdefaults]\n default_realm = %s\n dns_lookup_kdc = false\n dns_lookup_realm = false\n[realms]\n %s = {\n  kdc = %s\n  kdc = %s\n }\n' \
    "$REALM" "$REALM" "$a1" "$a2" >"$KRB5"
  hosts_append "$a1 $n1.$DNS_DOMAIN $n1" "$dir"
  hosts_append "$a2 $n2.$DNS_DOMAIN $n2" "$dir"

  mapfile -t o1 < <(dc_options "$dir/dc1" "$a1" "$TLS")
  KRB5_CONFIG="$KRB5" samba-tool domain provision --realm="$REALM" --domain="$DOMAIN" --server-role=dc --dns-backend=NONE \
    --use-rfc2307 --adminpass="$ADMIN_PASSWORD" --targetdir="$dir/dc1" --host-name="$n1" "--option=netbios name=${n1^^}" "${o1[@]}" \
    >"$dir/dc1/log/provision.log" 2>&1 || { tail -20 "$dir/dc1/log/provision.log" >&2; die "provision failed"; }
  # Lockout after 3 bad passwords for 30 minutes, and the user the tests lock (made before the join: DC2 gets it).
  samba-tool domain passwordsettings set -H "$dir/dc1/private/sam.ldb" --account-lockout-threshold=3 \
    --account-lockout-duration=30 --reset-account-lockout-after=30 --min-pwd-age=0 >/dev/null
  samba-tool user create lockme "$USER_PASSWORD" -H "$dir/dc1/private/sam.ldb" --given-name=Lara --surname=Lockme \
    --department=Finance >/dev/null
  start_samba "$dir/dc1" "$a1"
  KRB5_CONFIG="$KRB5" samba_spnupdate -s "$dir/dc1/etc/smb.conf" >"$dir/dc1/log/spnupdate.log" 2>&1 || true
  log "DC1 $n1 on $a1 in $(( $(now_ms) - t0 )) ms"

  mapfile -t o2 < <(dc_options "$dir/dc2" "$a2" "$TLS")
  mkdir -p "$dir/dc2/etc"
  KRB5_CONFIG="$KRB5" samba-tool domain join "$DNS_DOMAIN" DC -U "$DOMAIN\\Administrator%$ADMIN_PASSWORD" --server="$a1" \
    --targetdir="$dir/dc2" "--option=netbios name=${n2^^}" "${o2[@]}" >"$dir/dc2/log/join.log" 2>&1 ||
    { tail -20 "$dir/dc2/log/join.log" >&2; die "join failed"; }
  # samba-tool join writes the smb.conf it used into targetdir/etc only with --targetdir; make sure it exists.
  [[ -f "$dir/dc2/etc/smb.conf" ]] || die "join left no smb.conf in $dir/dc2/etc"
  local g1 g2
  g1="$(ntds_guid "$dir/dc1" "$n1")"; g2="$(ntds_guid "$dir/dc1" "$n2")"
  [[ -n "$g1" && -n "$g2" ]] || die "cannot read the DCs' NTDS Settings GUIDs"
  hosts_append "$a1 $g1._msdcs.$DNS_DOMAIN" "$dir"
  hosts_append "$a2 $g2._msdcs.$DNS_DOMAIN" "$dir"
  start_samba "$dir/dc2" "$a2"
  for pair in "$n1 $n2" "$n2 $n1"; do
    read -r dst src <<<"$pair"
    KRB5_CONFIG="$KRB5" samba-tool drs replicate "$dst.$DNS_DOMAIN" "$src.$DNS_DOMAIN" "$BASE_DN" \
      -U "$DOMAIN\\Administrator%$ADMIN_PASSWORD" >>"$dir/replicate.log" 2>&1 || log "first replication $src → $dst failed (see $dir/replicate.log)"
  done
  cat >"$dir/pair.env" <<ENV
PAIR_DIR='$dir'
PAIR_CA_FILE='$TLS/ca.pem'
PAIR_BASE_DN='$BASE_DN'
PAIR_REALM='$REALM'
PAIR_DOMAIN='$DOMAIN'
PAIR_ADMIN_DN='CN=Administrator,CN=Users,$BASE_DN'
PAIR_ADMIN_PASSWORD='$ADMIN_PASSWORD'
PAIR_USER='lockme'
PAIR_USER_PASSWORD='$USER_PASSWORD'
PAIR_DC1_NAME='$n1.$DNS_DOMAIN'
PAIR_DC1_ADDRESS='$a1'
PAIR_DC2_NAME='$n2.$DNS_DOMAIN'
PAIR_DC2_ADDRESS='$a2'
PAIR_KRB5_CONFIG='$KRB5'
ENV
  log "pair up ($n1 on $a1, $n2 on $a2) in $(( $(now_ms) - t0 )) ms"
}

stop_one() {
  local w="$1" pid i
  [[ -f "$w/samba.pid" ]] || return 0
  pid="$(tr -dc 0-9 <"$w/samba.pid")"; rm -f "$w/samba.pid"
  [[ -n "$pid" ]] || return 0
  # Only the samba of this folder: it holds its own sam.ldb open.
  local ours=0 f
  for f in /proc/"$pid"/fd/*; do [[ "$(readlink "$f" 2>/dev/null)" == "$w/private/sam.ldb" ]] && ours=1 && break; done
  (( ours )) || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 150); do pgrep -g "$pid" >/dev/null 2>&1 || return 0; sleep 0.1; done
  kill -KILL -- "-$pid" 2>/dev/null || true
}

stop_pair() {
  local dir; dir="$(readlink -f "$1")"
  stop_one "$dir/dc2"; stop_one "$dir/dc1"
  hosts_drop "$dir"
  rm -f "$dir/pair.env"
}

case "${1:-}" in
  start) [[ $# -eq 2 ]] || die "usage: $0 start <dir>"; start_pair "$2" ;;
  stop) [[ $# -eq 2 ]] || die "usage: $0 stop <dir>"; stop_pair "$2" ;;
  *) die "usage: $0 start|stop <dir>" ;;
esac
