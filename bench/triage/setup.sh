#!/usr/bin/env bash
# Installs the triage corpus (projects.tsv beside this file) from Debian's Go source packages
# and prints each project's package version and source root. Needs root; safe to run again.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mapfile -t pkgs < <(awk -F'\t' '!/^#/ && $1 != "project" { print $2 }' "$here/projects.tsv")
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
awk -F'\t' '!/^#/ && $1 != "project" { print $1 "\t" $2 "\t" $3 }' "$here/projects.tsv" |
  while IFS=$'\t' read -r project pkg root; do
    [[ $root == /* ]] || root=/usr/share/gocode/src/$root
    printf '%s\t%s\t%s\n' "$project" "$(dpkg-query -W -f='${Version}' "$pkg")" "$root"
  done
