#!/bin/sh
# SPDX-License-Identifier: MIT
# signal_run.sh JOURNAL SIGNAL BYTES COMMAND...: starts COMMAND, waits until JOURNAL has grown by BYTES
# since the start (so that the signal lands in the middle of the run, at a moment the caller chose),
# sends SIGNAL (INT, TERM, KILL) and exits with COMMAND's exit code (128 + n for a process signal n
# ended). If COMMAND ends first, no signal is sent. Waits at most 60 s for the journal to grow. With
# SIGNAL_CHILDREN=NAME in the environment the signal goes to COMMAND's children named NAME instead (the
# ranks mpiexec started, as a batch system signals every task; Linux /proc), or to COMMAND if it has none.
journal=$1
signal=$2
bytes=$3
shift 3
size() { if [ -f "$journal" ]; then wc -c <"$journal"; else echo 0; fi; }
start=$(size)
"$@" &
pid=$!
i=0
while [ "$i" -lt 6000 ] && kill -0 "$pid" 2>/dev/null; do
  now=$(size)
  [ $((now - start)) -ge "$bytes" ] && break
  [ "$now" -lt "$start" ] && break # the run finished and deleted its journal
  sleep 0.01
  i=$((i + 1))
done
targets=$pid
if [ -n "$SIGNAL_CHILDREN" ]; then
  children=""
  # shellcheck disable=SC2013 # the file holds process ids separated by blanks
  for child in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do
    [ "$(cat /proc/"$child"/comm 2>/dev/null)" = "$SIGNAL_CHILDREN" ] && children="$children $child"
  done
  [ -n "$children" ] && targets=$children
fi
# shellcheck disable=SC2086 # one word per process
kill -s "$signal" $targets 2>/dev/null
wait "$pid"
