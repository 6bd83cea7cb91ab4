#!/usr/bin/env bash
# A throwaway Samba AD domain controller for the tests: domain CORP.EXAMPLE.TEST (NetBIOS CORP,
# base DC=corp,DC=example,DC=test), LDAPS on a loopback address with its own CA, lockout on,
# seeded with the users and groups the tests rely on (see seed below).
#
#   samba-dc.sh start <dir>    provision <dir> if it is empty, start the DC, wait until LDAPS answers
#   samba-dc.sh stop <dir>     stop the DC started from <dir> (by its recorded PID), wait until gone
#   samba-dc.sh restart <dir>  stop + start the same domain (no re-provisioning, same address)
#   samba-dc.sh template       only build the cached template (e.g. to warm a CI cache)
#
# Provisioning and seeding take several seconds, so the provisioned + seeded domain is built once
# into a template under $SAMBA_DC_CACHE (default /var/tmp/mypass-helpdesk-samba/<hash of this
# script and of the Samba version>) and copied into <dir>: a re-run only copies and starts.
#
# After `start`, <dir>/samba.env holds the connection info (KEY=value lines) and <dir>/samba.pid
# the PID of the samba root process. The DC listens on 127.0.0.1, or on the next free address
# 127.0.0.2 … 127.0.0.16 when another test run already holds port 636 on it (parallel runs).
# Only the LDAP server runs (server services = ldap): no SMB, Kerberos or RPC ports are opened.
set -euo pipefail

REALM=CORP.EXAMPLE.TEST
DOMAIN=CORP
BASE_DN='DC=corp,DC=example,DC=test'
ADMIN_PASSWORD='Adm1n!Samba-Test-9'
SEED_PASSWORD='Passw0rd!Seed-1'
SVC_LOGIN='svc.helpdesk'
SVC_PASSWORD='Svc!Helpdesk-Test-7'
ADDRESSES=(127.0.0.{1..16})
START_TIMEOUT_S=30
STOP_TIMEOUT_S=15

SELF="$(readlink -f "${BASH_SOURCE[0]}")"
CACHE_ROOT="${SAMBA_DC_CACHE:-/var/tmp/mypass-helpdesk-samba}"

die() { echo "samba-dc: $*" >&2; exit 1; }
log() { echo "samba-dc: $*" >&2; }
now_ms() { date +%s%3N; }

require_tools() {
  local t
  for t in samba samba-tool openssl ldapsearch ss ps pgrep flock sha256sum /usr/bin/python3; do
    command -v "$t" >/dev/null 2>&1 || die "'$t' not found: install the Samba AD DC packages (bash scripts/test-peers.sh ensure)"
  done
}

# ---------------------------------------------------------------------------------------------
# Template: provision + certificates + policy + seed, done once per script/Samba version.

template_dir() {
  local key
  key="$({ cat "$SELF"; samba -V; } | sha256sum | cut -c1-16)"
  echo "$CACHE_ROOT/$key"
}

ensure_template() {
  local tpl="$1"
  [[ -f "$tpl/.complete" ]] && return 0
  mkdir -p "$CACHE_ROOT"
  # Parallel test runs may race to build the same template: one builds, the others wait.
  exec 9>"$CACHE_ROOT/.lock"
  flock -w 300 9 || die "timed out waiting for the template lock $CACHE_ROOT/.lock"
  if [[ ! -f "$tpl/.complete" ]]; then
    local work="$tpl.building.$$" t0
    t0=$(now_ms)
    rm -rf "$work" && mkdir -p "$work"
    # Called plainly (not in an `||` list, which would switch off `set -e` inside it): any failing
    # step ends the script, and the trap says so and cleans up.
    # shellcheck disable=SC2064 # expand $work now: it is local to this function
    trap "log 'building the domain template failed (see the messages above)'; rm -rf '$work'" EXIT
    build_template "$work"
    trap - EXIT
    rm -rf "$tpl" && mv "$work" "$tpl"
    # Drop templates of older script/Samba versions (not touched for a day).
    find "$CACHE_ROOT" -mindepth 1 -maxdepth 1 -type d ! -path "$tpl" -mmin +1440 -exec rm -rf {} + 2>/dev/null || true
    # Placeholders keep the template relocatable: only smb.conf names absolute paths.
    sed -i "s|$work|@DIR@|g" "$tpl/etc/smb.conf.in"
    touch "$tpl/.complete"
    log "template built in $(( $(now_ms) - t0 )) ms: $tpl"
  fi
  flock -u 9
  exec 9>&-
}

build_template() {
  local w="$1" t0
  t0=$(now_ms)
  mkdir -p "$w/tls" "$w/run" "$w/log"
  # --option values end up in [global] of smb.conf. @ADDR@ is filled in at each start.
  samba-tool domain provision --realm="$REALM" --domain="$DOMAIN" --server-role=dc \
    --dns-backend=NONE --use-rfc2307 --adminpass="$ADMIN_PASSWORD" --targetdir="$w" \
    --option="interfaces=@ADDR@/8" --option="bind interfaces only=yes" \
    --option="server services=ldap" \
    --option="tls enabled=yes" --option="tls keyfile=$w/tls/server.key" \
    --option="tls certfile=$w/tls/server.pem" --option="tls cafile=$w/tls/ca.pem" \
    --option="pid directory=$w/run" --option="log file=$w/log/samba.log" \
    --option="ncalrpc dir=$w/run/ncalrpc" --option="winbindd socket directory=$w/run/winbindd" \
    --option="ntp signd socket directory=$w/run/ntp_signd" \
    >"$w/log/provision.log" 2>&1 || { tail -20 "$w/log/provision.log" >&2; false; }
  mv "$w/etc/smb.conf" "$w/etc/smb.conf.in"
  # Samba keeps accepting the previous password for 60 minutes after a change (its default, like AD's
  # OldPasswordAllowedPeriod for NTLM); tests check that a reset password stops working at once.
  # provision drops this option, so it is written here.
  sed -i 's|^\[global\]$|[global]\n\told password allowed period = 0|' "$w/etc/smb.conf.in"
  log "provisioned in $(( $(now_ms) - t0 )) ms"

  t0=$(now_ms)
  make_certs "$w/tls"
  log "certificates in $(( $(now_ms) - t0 )) ms"

  t0=$(now_ms)
  sed "s|@ADDR@|127.0.0.1|g" "$w/etc/smb.conf.in" >"$w/etc/smb.conf"
  seed "$w/etc/smb.conf"
  rm -f "$w/etc/smb.conf"
  log "policy and seed in $(( $(now_ms) - t0 )) ms"
}

# A CA, a server certificate for localhost and the loopback addresses, and an unrelated second CA
# (tests use it to check that an untrusted server certificate is refused).
make_certs() {
  local d="$1" i san="DNS:localhost"
  for i in "${ADDRESSES[@]}"; do san+=",IP:$i"; done
  new_ca "$d/ca" "MyPass Helpdesk Test CA"
  new_ca "$d/other-ca" "Some Other Test CA"
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$d/server.key" -out "$d/server.csr" -subj "/CN=localhost" 2>/dev/null
  printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' \
    "$san" >"$d/server.ext"
  openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
    -out "$d/server.pem" -days 3650 -extfile "$d/server.ext" 2>/dev/null
  chmod 600 "$d/server.key" "$d/ca.key" "$d/other-ca.key" # samba refuses a key readable by others
  rm -f "$d/server.csr" "$d/server.ext"
}

new_ca() {
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$1.key" -out "$1.pem" -days 3650 -subj "/CN=$2" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}

# Policy, users, groups and the service account's rights, written offline straight into sam.ldb
# through Samba's own module stack (one process: much faster than one samba-tool call per object).
seed() {
  SEED_PASSWORD="$SEED_PASSWORD" SVC_LOGIN="$SVC_LOGIN" SVC_PASSWORD="$SVC_PASSWORD" \
    /usr/bin/python3 - "$1" <<'PY'
import os, sys
from samba.samdb import SamDB
from samba.auth import system_session
from samba.param import LoadParm
from samba.sd_utils import SDUtils

lp = LoadParm()
lp.load(sys.argv[1])
db = SamDB(url=lp.private_path("sam.ldb"), session_info=system_session(), lp=lp)
base = str(db.domain_dn())
users_dn = "CN=Users," + base
mail_domain = "corp.example.test"
seed_pw = os.environ["SEED_PASSWORD"]
MINUTES_30 = str(-30 * 60 * 10**7)  # AD durations: negative 100 ns intervals

def pw(p):
    return ('"%s"' % p).encode("utf-16-le")

def rdn(v):  # RFC 4514 escaping for the CN values used here
    for c in '\\,+"<>;=#':
        v = v.replace(c, "\\" + c)
    return v

db.transaction_start()
try:
    # Lockout after 3 bad passwords for 30 minutes; no minimum password age, so tests can reset twice.
    db.modify_ldif("""dn: %s
changetype: modify
replace: lockoutThreshold
lockoutThreshold: 3
-
replace: lockoutDuration
lockoutDuration: %s
-
replace: lockOutObservationWindow
lockOutObservationWindow: %s
-
replace: minPwdAge
minPwdAge: 0
""" % (base, MINUTES_30, MINUTES_30))

    group_dn = {}
    def group(name):
        dn = "CN=%s,%s" % (rdn(name), users_dn)
        db.add({"dn": dn, "objectClass": "group", "sAMAccountName": name[:256]})
        group_dn[name] = dn

    for g in ["Helpdesk Agents", "Helpdesk Tier1", "Helpdesk Supervisors", "Finance", "Sales", "Engineering"]:
        group(g)
    projects = ["Project Workstream %03d - Quarterly Regional Coordination Committee" % i for i in range(1, 201)]
    for g in projects:
        group(g)

    user_dn = {}
    members = {}
    def user(sam, given, sn, groups=(), password=seed_pw, **attrs):
        display = "%s %s" % (given, sn)
        dn = "CN=%s,%s" % (rdn(display), users_dn)
        msg = {
            "dn": dn, "objectClass": "user", "sAMAccountName": sam,
            "userPrincipalName": "%s@%s" % (sam, mail_domain), "mail": "%s@%s" % (sam, mail_domain),
            "givenName": given, "sn": sn, "displayName": display,
            "unicodePwd": pw(password), "userAccountControl": "512",
        }
        for k, v in attrs.items():
            msg[k] = v
        db.add(msg)
        user_dn[sam] = dn
        for g in groups:
            members.setdefault(g, []).append(dn)

    user("hd.agent", "Alice", "Agent", ["Helpdesk Agents"], department="IT Service Desk",
         title="Service Desk Analyst", telephoneNumber="+1 555 0100")
    user("hd.nested", "Nora", "Nested", ["Helpdesk Tier1"], department="IT Service Desk",
         telephoneNumber="+1 555 0101")
    user("hd.super", "Sam", "Supervisor", ["Helpdesk Supervisors"], department="IT Service Desk",
         title="Service Desk Lead", telephoneNumber="+1 555 0102")
    user("it.admin", "Ian", "Admin", ["Domain Admins"], department="IT")
    user("mmanager", "Mary", "Manager", ["Finance"], department="Finance", title="Finance Director",
         telephoneNumber="+1 555 0110")
    user("jdoe", "John", "Doe", ["Finance"], department="Finance", title="Accountant",
         telephoneNumber="+1 555 0111", mobile="+1 555 0199", company="Contoso",
         physicalDeliveryOfficeName="Building 2", manager=user_dn["mmanager"],
         proxyAddresses=["SMTP:jdoe@corp.example.test", "smtp:john.doe@corp.example.test",
                         "sip:john.doe@corp.example.test"])
    user("jsmith", "Jane", "Smith", ["Sales"], department="Sales", telephoneNumber="+1 555 0130")
    user("jsmithers", "James", "Smithers", ["Sales"], department="Sales")
    user("cobrien", "Conor", "O'Brien", ["Engineering"], department="Engineering")
    # Her mail is spelt in ASCII, as mail addresses are: what an agent who hears "Zoe Muller" can find.
    user("zmuller", "Zoë", "Müller", ["Engineering"], department="Engineering",
         mail="zoe.muller@" + mail_domain,
         proxyAddresses=["SMTP:zoe.muller@" + mail_domain, "smtp:zmuller@" + mail_domain])
    user("locky", "Lucy", "Locke", ["Finance"], department="Finance")
    user("resetme", "Rita", "Reset", ["Sales"], department="Sales")
    user("many.groups", "Manny", "Groups", ["Engineering"] + projects, department="Engineering")
    user("plain.user", "Paul", "Plain", ["Sales"], department="Sales")
    for i in range(1, 21):
        user("bench.user%02d" % i, "Bench", "User %02d" % i, ["Engineering"], department="Engineering")
    # The bot's own bind account: no group, only the rights delegated below.
    user(os.environ["SVC_LOGIN"], "Helpdesk", "Service", password=os.environ["SVC_PASSWORD"],
         description="MyPass Helpdesk bind account (tests)")

    # Privileged without being in a protected group: adminCount=1 (left behind by AD's SDProp after the
    # user left Domain Admins), and Domain Admins as the primary group (set below, after membership).
    user("former.admin", "Fred", "Former", department="IT", adminCount="1")
    user("pg.admin", "Petra", "Primary", ["Domain Admins"], department="IT")

    # An OU whose manager may create groups: a copy of the supervisors' group name, with a member.
    contractors = "OU=Contractors," + base
    db.add({"dn": contractors, "objectClass": "organizationalUnit"})
    rogue_group = "CN=Helpdesk Supervisors," + contractors
    db.add({"dn": rogue_group, "objectClass": "group", "sAMAccountName": "Contractors Helpdesk Supervisors"})
    rogue_user = "CN=Rex Rogue," + contractors
    db.add({"dn": rogue_user, "objectClass": "user", "sAMAccountName": "rogue.super",
            "userPrincipalName": "rogue.super@" + mail_domain, "mail": "rogue.super@" + mail_domain,
            "givenName": "Rex", "sn": "Rogue", "displayName": "Rex Rogue",
            "unicodePwd": pw(seed_pw), "userAccountControl": "512"})
    db.modify_ldif("dn: %s\nchangetype: modify\nadd: member\nmember: %s\n" % (rogue_group, rogue_user))

    group_dn["Domain Admins"] = "CN=Domain Admins," + users_dn
    members.setdefault("Helpdesk Agents", []).append(group_dn["Helpdesk Tier1"])  # nesting
    for g, dns in members.items():
        db.modify_ldif("dn: %s\nchangetype: modify\nadd: member\n%s\n"
                       % (group_dn[g], "\n".join("member: " + d for d in dns)))

    db.modify_ldif("dn: %s\nchangetype: modify\nreplace: primaryGroupID\nprimaryGroupID: 512\n" % user_dn["pg.admin"])

    # Delegation, as an AD admin would grant it on the users' container, inherited by user objects:
    # Reset Password (extended right), write lockoutTime (unlock), write pwdLastSet (must change).
    sid = str(SDUtils(db).get_object_sid(user_dn[os.environ["SVC_LOGIN"]]))
    USER = "bf967aba-0de6-11d0-a285-00aa003049e2"
    aces = [
        "(OA;CIIO;CR;00299570-246d-11d0-a768-00aa006e0529;%s;%s)" % (USER, sid),
        "(OA;CIIO;WP;28630ebf-41d5-11d1-a9c1-0000f80367c1;%s;%s)" % (USER, sid),
        "(OA;CIIO;WP;bf967a0a-0de6-11d0-a285-00aa003049e2;%s;%s)" % (USER, sid),
    ]
    SDUtils(db).dacl_add_ace(users_dn, "".join(aces))
    # Real AD shields members of Domain Admins from delegated rights (AdminSDHolder replaces their
    # security descriptor); Samba does not, so deny the same rights on it.admin explicitly.
    SDUtils(db).dacl_add_ace(user_dn["it.admin"], "".join(a.replace("(OA;CIIO;", "(OD;;") for a in aces))
    # Read on the fine-grained password policies (AD lets only Domain Admins read them), inherited by each
    # PSO: the portal shows the rules of the policy that applies to a user (README, "Active Directory").
    SDUtils(db).dacl_add_ace("CN=Password Settings Container,CN=System," + base, "(A;CI;RPLCLORC;;;%s)" % sid)
    db.transaction_commit()
except Exception:
    db.transaction_cancel()
    raise
PY
}

# ---------------------------------------------------------------------------------------------
# start / stop

pid_alive() { # a zombie counts as gone
  local st
  st="$(ps -o stat= -p "$1" 2>/dev/null || true)"
  [[ -n "$st" && "$st" != Z* ]]
}

group_alive() { # any live process left in process group $1 (samba's root process leads its group)
  local p
  for p in $(pgrep -g "$1" 2>/dev/null || true); do pid_alive "$p" && return 0; done
  return 1
}

port_taken() { # something listens on $1:636 or :389, or on the wildcard address
  ss -Hltn 2>/dev/null | awk '{print $4}' |
    grep -Eq "^($1|0\.0\.0\.0|\*|\[::\]):(636|389)$"
}

# Our samba (process group $2) holds $1:636.
listening_ours() {
  local line
  line="$(ss -Hltnp "( sport = :636 )" 2>/dev/null | awk -v a="$1:636" '$4 == a')"
  [[ -n "$line" ]] || return 1
  local p
  for p in $(grep -o 'pid=[0-9]*' <<<"$line" | cut -d= -f2); do
    [[ "$(ps -o pgid= -p "$p" 2>/dev/null | tr -d ' ')" == "$2" ]] && return 0
  done
  return 1
}

is_our_samba() {
  local f
  for f in /proc/"$1"/fd/*; do
    [[ "$(readlink "$f" 2>/dev/null)" == "$2/private/sam.ldb" ]] && return 0
  done
  return 1
}

render_conf() { # fill the placeholders for this dir and address
  sed -e "s|@DIR@|$1|g" -e "s|@ADDR@|$2|g" "$1/etc/smb.conf.in" >"$1/etc/smb.conf"
}

start_dc() {
  local dir="$1" t0 tpl addr pid
  t0=$(now_ms)
  require_tools
  mkdir -p "$dir"
  dir="$(readlink -f "$dir")"
  if [[ -f "$dir/samba.pid" ]] && pid_alive "$(cat "$dir/samba.pid")"; then
    log "already running (pid $(cat "$dir/samba.pid"))"
    return 0
  fi
  if [[ ! -f "$dir/etc/smb.conf.in" ]]; then
    tpl="$(template_dir)"
    ensure_template "$tpl"
    cp -a "$tpl/." "$dir/"
    rm -f "$dir/.complete"
  fi
  rm -rf "$dir/run" && mkdir -p "$dir/run" "$dir/log"

  # A restart keeps its address (clients hold the URL); a first start takes the first free one.
  local candidates=("${ADDRESSES[@]}")
  [[ -f "$dir/address" ]] && candidates=("$(cat "$dir/address")")
  for addr in "${candidates[@]}"; do
    port_taken "$addr" && continue
    render_conf "$dir" "$addr"
    : >"$dir/log/samba.log"
    samba -s "$dir/etc/smb.conf" -D || die "samba failed to start: $(tail -5 "$dir/log/samba.log")"
    pid=""
    local deadline=$(( $(now_ms) + START_TIMEOUT_S * 1000 ))
    while (( $(now_ms) < deadline )); do
      [[ -z "$pid" && -s "$dir/run/samba.pid" ]] && pid="$(tr -dc 0-9 <"$dir/run/samba.pid")"
      if [[ -n "$pid" ]]; then
        listening_ours "$addr" "$pid" && break
        pid_alive "$pid" || break
      fi
      sleep 0.05
    done
    if [[ -n "$pid" ]] && listening_ours "$addr" "$pid"; then
      echo "$pid" >"$dir/samba.pid"
      echo "$addr" >"$dir/address"
      wait_ldaps "$dir" "$addr" "$pid" || { stop_dc "$dir"; die "LDAPS on $addr:636 does not answer; log: $dir/log/samba.log"; }
      write_env "$dir" "$addr"
      log "DC up on ldaps://$addr:636 (pid $pid) in $(( $(now_ms) - t0 )) ms"
      return 0
    fi
    # Lost a race for the address, or samba died: clean up and try the next address.
    [[ -n "$pid" ]] && { echo "$pid" >"$dir/samba.pid"; stop_dc "$dir"; }
    log "could not listen on $addr:636, trying the next address; $(tail -3 "$dir/log/samba.log" | tr '\n' ' ')"
  done
  die "no loopback address in ${candidates[*]} is free for LDAPS (port 636) or samba does not start; log: $dir/log/samba.log"
}

# The listener is up; check that a real LDAPS bind works with our CA (TLS and the directory ready).
wait_ldaps() {
  local dir="$1" addr="$2" pid="$3" i
  for i in $(seq 1 100); do
    if LDAPTLS_CACERT="$dir/tls/ca.pem" LDAPTLS_REQCERT=demand ldapsearch -LLL -o nettimeout=5 \
      -H "ldaps://$addr:636" -x -D "Administrator@${REALM,,}" -w "$ADMIN_PASSWORD" \
      -b "" -s base defaultNamingContext >/dev/null 2>&1; then
      return 0
    fi
    pid_alive "$pid" || return 1
    sleep 0.1
  done
  return 1
}

# KEY='value' lines: parsed by test/helpers/samba.ts, and `source`-able in a shell.
write_env() {
  local dir="$1" addr="$2"
  cat >"$dir/samba.env" <<EOF
SAMBA_DIR='$dir'
SAMBA_PID='$(cat "$dir/samba.pid")'
SAMBA_ADDRESS='$addr'
SAMBA_URL='ldaps://$addr:636'
SAMBA_REALM='$REALM'
SAMBA_DOMAIN='$DOMAIN'
SAMBA_BASE_DN='$BASE_DN'
SAMBA_CA_FILE='$dir/tls/ca.pem'
SAMBA_OTHER_CA_FILE='$dir/tls/other-ca.pem'
SAMBA_ADMIN_DN='CN=Administrator,CN=Users,$BASE_DN'
SAMBA_ADMIN_PASSWORD='$ADMIN_PASSWORD'
SAMBA_SVC_DN='CN=Helpdesk Service,CN=Users,$BASE_DN'
SAMBA_SVC_PASSWORD='$SVC_PASSWORD'
SAMBA_SEED_PASSWORD='$SEED_PASSWORD'
EOF
}

stop_dc() {
  local dir="$1" pid deadline
  [[ -f "$dir/samba.pid" ]] || { log "not running (no $dir/samba.pid)"; return 0; }
  pid="$(tr -dc 0-9 <"$dir/samba.pid")"
  rm -f "$dir/samba.pid"
  [[ -n "$pid" ]] || return 0
  # Only ever signal the process we started: check it still is the samba of this <dir> (it holds
  # <dir>/private/sam.ldb open; samba rewrites its command line, so that cannot be checked).
  if pid_alive "$pid" && ! is_our_samba "$pid" "$dir"; then
    log "pid $pid is not the samba of $dir any more; leaving it alone"
    return 0
  fi
  pid_alive "$pid" && kill -TERM "$pid" 2>/dev/null || true
  deadline=$(( $(now_ms) + STOP_TIMEOUT_S * 1000 ))
  while group_alive "$pid" && (( $(now_ms) < deadline )); do sleep 0.05; done
  if group_alive "$pid"; then
    log "samba (pgid $pid) ignored SIGTERM; killing its process group"
    kill -KILL -- "-$pid" 2>/dev/null || true
    sleep 0.2
  fi
  ! group_alive "$pid" || die "samba (pgid $pid) is still running"
}

cmd="${1:-}"
case "$cmd" in
  start) [[ $# -eq 2 ]] || die "usage: $0 start <dir>"; start_dc "$2" ;;
  stop) [[ $# -eq 2 ]] || die "usage: $0 stop <dir>"; stop_dc "$(readlink -f "$2")" ;;
  restart)
    [[ $# -eq 2 ]] || die "usage: $0 restart <dir>"
    [[ -f "$2/etc/smb.conf.in" ]] || die "$2 holds no provisioned domain: use start"
    stop_dc "$(readlink -f "$2")"; start_dc "$2" ;;
  template) require_tools; ensure_template "$(template_dir)"; template_dir ;;
  *) die "usage: $0 start|stop|restart <dir> | template" ;;
esac
