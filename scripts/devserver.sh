#!/usr/bin/env bash
# Helpers for starting dev servers on free ports; sourced by the other scripts.

# start_server VAR BIN ARGS...: starts BIN --addr 127.0.0.1:0 ARGS..., waits for the line
# `listening on http://127.0.0.1:PORT` on its stdout, stores that URL in VAR and the PID
# in DEVSERVER_PIDS. Fails if the server exits first or does not print it within 30 s.
DEVSERVER_PIDS=()
start_server() {
  local var=$1 bin=$2
  shift 2
  local log
  log=$(mktemp)
  "$bin" --addr 127.0.0.1:0 "$@" >"$log" 2>"$log.err" &
  local pid=$!
  DEVSERVER_PIDS+=("$pid")
  local url=""
  for _ in $(seq 300); do
    url=$(sed -n 's/^listening on \(http:\/\/127\.0\.0\.1:[0-9]*\)$/\1/p' "$log")
    [ -n "$url" ] && break
    if ! kill -0 "$pid" 2>/dev/null; then
      cat "$log.err" >&2
      echo "$bin exited before it listened" >&2
      return 1
    fi
    sleep 0.1
  done
  if [ -z "$url" ]; then
    echo "$bin did not print its address within 30 s" >&2
    return 1
  fi
  printf -v "$var" '%s' "$url"
}

# start_devserver VAR ARGS...: starts target/debug/pds-devserver (or PDS_DEVSERVER_BIN)
# on a free port with ARGS, as start_server does.
start_devserver() {
  local var=$1
  shift
  start_server "$var" "${PDS_DEVSERVER_BIN:-target/debug/pds-devserver}" "$@"
}

stop_devservers() {
  for pid in "${DEVSERVER_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
}
