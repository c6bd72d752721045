#!/usr/bin/env bash
# Helpers for starting dev servers on free ports; sourced by the other scripts.

# start_devserver VAR ARGS...: starts target/debug/pds-devserver on a free port with ARGS,
# stores its URL in VAR and its PID in DEVSERVER_PIDS. Fails if it does not start in 30 s.
DEVSERVER_PIDS=()
start_devserver() {
  local var=$1
  shift
  local log
  log=$(mktemp)
  ${PDS_DEVSERVER_BIN:-target/debug/pds-devserver} --addr 127.0.0.1:0 "$@" >"$log" 2>"$log.err" &
  local pid=$!
  DEVSERVER_PIDS+=("$pid")
  local url=""
  for _ in $(seq 300); do
    url=$(sed -n 's/^listening on \(http:\/\/127\.0\.0\.1:[0-9]*\)$/\1/p' "$log")
    [ -n "$url" ] && break
    if ! kill -0 "$pid" 2>/dev/null; then
      cat "$log.err" >&2
      echo "the dev server exited before it listened" >&2
      return 1
    fi
    sleep 0.1
  done
  if [ -z "$url" ]; then
    echo "the dev server did not print its address within 30 s" >&2
    return 1
  fi
  printf -v "$var" '%s' "$url"
}

stop_devservers() {
  for pid in "${DEVSERVER_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
}
