#!/usr/bin/env bash
# Re-capture the restic 0.14 outputs in this directory (run as root on Debian 12).
# Output files are named restic-0.14-<what>.{stdout,stderr,exit}.
set -u
out="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
printf 'capture-password\n' > pw && chmod 600 pw
export RESTIC_PASSWORD_FILE="$work/pw" RESTIC_REPOSITORY="$work/repo" RESTIC_CACHE_DIR="$work/cache"
capture() {  # capture NAME COMMAND...
  local name="$1"; shift
  "$@" > "$out/restic-0.14-$name.stdout" 2> "$out/restic-0.14-$name.stderr"
  echo $? > "$out/restic-0.14-$name.exit"
  sed -i "s#$work#/WORK#g" "$out/restic-0.14-$name.stdout" "$out/restic-0.14-$name.stderr"
}
nocaps=(setpriv --bounding-set=-dac_override,-dac_read_search --inh-caps=-dac_override,-dac_read_search)
capture version restic version
capture init restic init
mkdir -p src/site && for i in 1 2 3; do head -c 200000 /dev/urandom > "src/site/file$i"; done
capture backup restic backup --json src
echo secret > src/site/unreadable && chmod 000 src/site/unreadable
capture backup-unreadable "${nocaps[@]}" restic backup --json src
capture backup-missing-source restic backup --json src /nonexistent-source
printf 'CREATE TABLE t (id int);\n' | capture backup-stdin restic backup --json --stdin --stdin-filename website.sql
capture snapshots restic snapshots --json
capture stats restic stats --json latest
capture stats-raw restic stats --json --mode raw-data
capture forget restic forget --json --keep-last 2
capture prune restic prune
capture check restic check --read-data-subset 1/3
capture restore restic restore latest --path "$work/src" --target "$work/restored" --include "$work/src/site/file1"
capture dump restic dump latest website.sql
capture list-locks restic list locks --no-lock
printf 'wrong\n' > wrong && chmod 600 wrong
capture wrong-password env RESTIC_PASSWORD_FILE="$work/wrong" restic snapshots --json
capture missing-repository env RESTIC_REPOSITORY="$work/nothing-here" restic snapshots --json
capture s3-endpoint-down env RESTIC_REPOSITORY=s3:http://127.0.0.1:9/bucket AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=y timeout 20 restic snapshots --json
# A backup reading a stdin that stays open holds its lock; check needs an exclusive one.
sleep 30 | restic backup --stdin --stdin-filename held.txt > /dev/null 2>&1 &
holder=$!
sleep 1.5
capture locked restic check
capture list-locks-held restic list locks --no-lock
kill -KILL "$holder"  # leaves a stale lock behind
sleep 0.5
lock="$(restic list locks --no-lock | head -1)"
capture cat-lock restic cat lock "$lock" --no-lock
capture unlock restic unlock
capture list-locks-after-unlock restic list locks --no-lock
wait
