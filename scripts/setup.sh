#!/usr/bin/env bash
# Installs what a fresh machine lacks: libcurl's headers (the HTTP client) and Debian's
# prometheus and prometheus-alertmanager packages (promtool and amtool, the oracles that the
# differential tests compare against).
set -euo pipefail
need=()
dpkg -s libcurl4-openssl-dev >/dev/null 2>&1 || need+=(libcurl4-openssl-dev)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v amtool >/dev/null 2>&1 || need+=(prometheus-alertmanager)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v openssl >/dev/null 2>&1 || need+=(openssl)  # a throwaway certificate for the TLS test
command -v chromium >/dev/null 2>&1 || need+=(chromium)  # the web UI's browser test (Tests/ServerTests/BrowserTests.swift)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
command -v swift >/dev/null 2>&1 || { echo "setup: swift is not on PATH (Swift 6 toolchain required)" >&2; exit 1; }
