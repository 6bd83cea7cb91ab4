#!/usr/bin/env bash
# The real peers the tests run against, as Debian 12 packages.
#
#   test-peers.sh ensure   install whatever is missing (fast no-op when all is there); fail loudly
#   test-peers.sh check    only report what is missing (exit 1 if anything is)
#   test-peers.sh helm-path  print where the cached helm binary is (built by `ensure`; may not exist yet)
#
# Samba AD DC (scripts/samba-dc.sh) is installed without recommends, as seen working; Chromium (the
# browser tests) with its recommends (fonts and the like it needs to render pages); Request Tracker 5
# (scripts/rt-server.sh) without recommends, after its debconf answers.
set -euo pipefail

SAMBA_PACKAGES=(samba samba-ad-provision samba-ad-dc samba-dsdb-modules winbind ldap-utils krb5-user openssl
  iproute2 procps) # ss, ps and pgrep: scripts/samba-dc.sh finds free ports and its processes with them
BROWSER_PACKAGES=(chromium)
# Request Tracker 5 (the ticket tests, scripts/rt-server.sh): SQLite backend, its standalone Starlet server,
# w3m for its HTML-to-text converter. Installed with the debconf answers in scripts/rt/rt-preseed.txt.
RT_PACKAGES=(request-tracker5 rt5-db-sqlite rt5-standalone w3m curl) # curl: scripts/rt-server.sh waits for REST2 with it
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Helm (the chart's lint and render test, test/unit/helm-chart.spec.ts), built from the Go module proxy
# with the machine's Go and cached per version under /var/tmp: a run that has it skips the build.
HELM_VERSION=v3.21.4
HELM_DIR="/var/tmp/mypass-helpdesk-helm/$HELM_VERSION"

die() { echo "test-peers: $*" >&2; exit 1; }
log() { echo "test-peers: $*" >&2; }

# Names among "$@" that are not fully installed (one dpkg-query call: keeps `ensure` fast).
missing() {
  local installed
  installed="$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "$@" 2>/dev/null | awk '$2 == "installed" {print $1}' || true)"
  local p
  for p in "$@"; do
    grep -qxF "$p" <<<"$installed" || echo "$p"
  done
}

updated=no
apt_install() { # apt_install <with-recommends yes|no> packages...
  local recommends="$1"; shift
  local -a opts=(-y -o DPkg::Lock::Timeout=300)
  [[ "$recommends" == no ]] && opts+=(--no-install-recommends)
  if [[ "$updated" == no ]]; then
    log "apt-get update"
    "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=300 update -qq || die "apt-get update failed"
    updated=yes
  fi
  log "installing: $*"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -qq "${opts[@]}" "$@" ||
    die "could not install $* (apt-get install failed; see above)"
}

ensure() {
  command -v dpkg-query >/dev/null || die "not a Debian system: install by hand: ${SAMBA_PACKAGES[*]} ${BROWSER_PACKAGES[*]}"
  local -a need_samba need_browser need_rt
  mapfile -t need_samba < <(missing "${SAMBA_PACKAGES[@]}")
  mapfile -t need_browser < <(missing "${BROWSER_PACKAGES[@]}")
  mapfile -t need_rt < <(missing "${RT_PACKAGES[@]}")
  if (( ${#need_samba[@]} == 0 && ${#need_browser[@]} == 0 && ${#need_rt[@]} == 0 )); then
    return 0
  fi
  if [[ "$(id -u)" == 0 ]]; then
    SUDO=()
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
  else
    die "missing packages: ${need_samba[*]} ${need_browser[*]} ${need_rt[*]} — run as root (or with passwordless sudo): bash scripts/test-peers.sh ensure"
  fi
  if (( ${#need_samba[@]} )); then apt_install no "${need_samba[@]}"; fi
  if (( ${#need_browser[@]} )); then apt_install yes "${need_browser[@]}"; fi
  if (( ${#need_rt[@]} )); then
    "${SUDO[@]}" debconf-set-selections "$HERE/rt/rt-preseed.txt" || die "debconf-set-selections failed"
    apt_install no "${need_rt[@]}"
  fi
  local -a still
  mapfile -t still < <(missing "${SAMBA_PACKAGES[@]}" "${BROWSER_PACKAGES[@]}" "${RT_PACKAGES[@]}")
  (( ${#still[@]} == 0 )) || die "still missing after install: ${still[*]}"
  command -v samba >/dev/null || die "samba is installed but not on PATH (/usr/sbin?): PATH=$PATH"
  log "all test peers installed"
}

ensure_helm() {
  [[ -x "$HELM_DIR/helm" ]] && return 0
  local go
  go="$(command -v go || echo /usr/local/go/bin/go)"
  [[ -x "$go" ]] || die "helm $HELM_VERSION is built with Go, and no go was found (PATH or /usr/local/go/bin)"
  log "building helm $HELM_VERSION from the Go module proxy (once; a few minutes)"
  local tmp
  tmp="$(mktemp -d /var/tmp/mypass-helpdesk-helm-build.XXXXXX)"
  # Built aside and moved in whole, so an interrupted build never looks cached.
  GOBIN="$tmp" "$go" install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" || { rm -rf "$tmp"; die "could not build helm $HELM_VERSION (go install failed; see above)"; }
  mkdir -p "$HELM_DIR" && mv "$tmp/helm" "$HELM_DIR/helm" && rm -rf "$tmp"
  log "helm $HELM_VERSION at $HELM_DIR/helm"
}

check() {
  local -a need
  mapfile -t need < <(missing "${SAMBA_PACKAGES[@]}" "${BROWSER_PACKAGES[@]}" "${RT_PACKAGES[@]}")
  [[ -x "$HELM_DIR/helm" ]] || need+=("helm-$HELM_VERSION")
  if (( ${#need[@]} )); then echo "missing: ${need[*]}"; return 1; fi
  echo "all test peers installed"
}

SUDO=()
case "${1:-}" in
  ensure) ensure_helm; ensure ;;
  check) check ;;
  helm-path) echo "$HELM_DIR/helm" ;;
  *) die "usage: $0 ensure|check|helm-path" ;;
esac
