#!/usr/bin/env bash
# Sourced by the cross scripts: `ensure_apt <command> <package>...` installs
# the Debian packages when the command is missing (a new CI machine has none
# of them). The index is refreshed once per run.

APT_UPDATED=${APT_UPDATED:-}

ensure_apt() { # command package...
  local cmd=$1
  shift
  command -v "$cmd" >/dev/null 2>&1 && return
  if [ -z "$APT_UPDATED" ]; then
    apt-get update -qq
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
