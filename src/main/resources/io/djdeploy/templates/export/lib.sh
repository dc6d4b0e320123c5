PROG=${0##*/}
ERROR=""; FAILED_COMMAND=""; NOTE=""; APPROVED=""; MIGRATED=""; INTERRUPTED=0
CUR_PHASE=""; CUR_STEP=""; LAST_STEP=""; STEP_T0=0; STEPS_JSON=""
LOCKED=0; RELEASE=""; RELEASE_DIR=""; PREVIOUS=""; SHA=""; RELEASE_CREATED=0; SWITCHED=0; PENDING=""

now_ms() { date +%s%3N; }

iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }  # seconds since the epoch -> 2026-01-02T03:04:05Z

log() { printf '[%s] %s\n' "$HOST" "$*"; }

# A JSON string literal (the lock file and the ledger are read back by djdeploy).
json() {
  local s=$1 bs='\' q='"'
  s=${s//"$bs"/"$bs$bs"}
  s=${s//"$q"/"$bs$q"}
  s=${s//$'\n'/"${bs}n"}
  s=${s//$'\r'/"${bs}r"}
  s=${s//$'\t'/"${bs}t"}
  s=$(printf '%s' "$s" | tr -d '\000-\037')
  printf '"%s"' "$s"
}

# die [CODE] MESSAGE: fails the current step with a one-line reason. CODE follows
# djdeploy's exit codes (default 6: failed before the switch).
die() {
  local code=6
  if [ $# -gt 1 ]; then code=$1; shift; fi
  ERROR="$HOST: ${CUR_STEP:-$LAST_STEP}: $1"
  printf '%s: error: %s\n' "$PROG" "$ERROR" >&2
  exit "$code"
}

# step PHASE NAME: ends the running step as ok and starts the next; the ledger gets
# phase, step, status, duration_ms and start_ms of each, as djdeploy records them.
step() {
  end_step ok
  CUR_PHASE=$1; CUR_STEP=$2; LAST_STEP=$2; STEP_T0=$(now_ms)
  log "$CUR_PHASE: $CUR_STEP"
}

end_step() {
  [ -n "$CUR_STEP" ] || return 0
  local t
  t=$(now_ms)
  STEPS_JSON+="${STEPS_JSON:+,}{\"phase\":$(json "$CUR_PHASE"),\"step\":$(json "$CUR_STEP"),\"status\":$(json "$1")"
  STEPS_JSON+=",\"duration_ms\":$((t - STEP_T0)),\"start_ms\":$((STEP_T0 - T0))}"
  CUR_STEP=""
}

begin() {
  T0=$(now_ms)
  START_EPOCH=$((T0 / 1000))
  STARTED=$(iso "$START_EPOCH")
  WHO=${DJDEPLOY_USER:-$(id -un)}   # as djdeploy: DJDEPLOY_USER (e.g. the CI actor) wins
  ORIGIN=$(hostname 2>/dev/null || uname -n)
  RUN_ID=$(cat /proc/sys/kernel/random/uuid 2>/dev/null || echo "$START_EPOCH-$$-$RANDOM")
  set -o errtrace
  trap 'FAILED_COMMAND=$BASH_COMMAND' ERR
  trap finish EXIT
  trap 'INTERRUPTED=1; exit 130' INT TERM HUP
}

# The lock file's JSON, in djdeploy's format (release.LockInfo).
lock_info_json() {
  printf '{"user":%s,"origin":%s,"pid":%s,"ref":%s,"started":%s,"command":%s,"run_id":%s}\n' \
    "$(json "$WHO")" "$(json "$ORIGIN")" "$$" "$(json "$REF")" "$(json "$STARTED")" \
    "$(json export-script)" "$(json "$RUN_ID")"
}

# One line of .djdeploy/history.jsonl, in djdeploy's format (release.LedgerEntry).
ledger_line() {
  local end l
  end=$(now_ms)
  l='{"event":"deploy","outcome":'$(json "$1")
  [ -z "$RELEASE" ] || l+=',"release":'$(json "$RELEASE")
  [ -z "$PREVIOUS" ] || l+=',"previous":'$(json "$PREVIOUS")
  l+=',"ref":'$(json "$REF")
  [ -z "$SHA" ] || l+=',"sha":'$(json "$SHA")
  l+=',"user":'$(json "$WHO")',"origin":'$(json "$ORIGIN")',"host":'$(json "$HOST")
  l+=',"started":'$(json "$STARTED")',"finished":'$(json "$(iso $((end / 1000)))")
  l+=',"duration_ms":'$((end - T0))
  [ -z "$ERROR" ] || l+=',"error":'$(json "$ERROR")
  l+=',"steps":['"$STEPS_JSON"']'
  [ -z "$NOTE" ] || l+=',"note":'$(json "$NOTE")
  [ -z "$APPROVED" ] || l+=',"approved":["*"]'
  printf '%s}\n' "$l"
}

# The id of the release current points to, or nothing.
current_release() {
  local target
  target=$(readlink -- "$CURRENT" 2>/dev/null) || true
  target=${target##*/}
  if [[ $target =~ ^[0-9]{14}$ ]]; then printf '%s' "$target"; fi
}

# A UTC timestamp id later than every existing release, as djdeploy picks it.
new_release_id() {
  local latest latest_epoch t=$START_EPOCH
  # shellcheck disable=SC2010  # release ids are 14 digits: only those names pass the grep
  latest=$(ls -1 -- "$RELEASES_DIR" 2>/dev/null | grep -E '^[0-9]{14}$' | sort | tail -n 1) || true
  if [ -n "$latest" ]; then
    latest_epoch=$(date -u -d "${latest:0:4}-${latest:4:2}-${latest:6:2} ${latest:8:2}:${latest:10:2}:${latest:12:2}" +%s)
    [ "$t" -gt "$latest_epoch" ] || t=$((latest_epoch + 1))
  fi
  date -u -d "@$t" +%Y%m%d%H%M%S
}

# with_env PROGRAM ARGS...: runs it with the env file loaded and DJANGO_ENV_FILE set, as
# djdeploy's helper does (KEY=value lines, # comments, optional export and quotes). The
# values stay on the host: they are read here at run time, never written into this script.
with_env() {
  (
    if [ -n "$ENV_FILE" ]; then
      local n=0 line key value
      [ -r "$ENV_FILE" ] || { echo "$PROG: cannot read env file $ENV_FILE" >&2; exit 2; }
      while IFS= read -r line || [ -n "$line" ]; do
        n=$((n + 1))
        line=${line#"${line%%[![:space:]]*}"}
        line=${line%"${line##*[![:space:]]}"}
        if [ -z "$line" ] || [ "${line:0:1}" = "#" ]; then continue; fi
        if [[ $line =~ ^(export[[:space:]]+)?([A-Za-z_][A-Za-z0-9_]*)[[:space:]]*=[[:space:]]*(.*)$ ]]; then
          key=${BASH_REMATCH[2]}
          value=${BASH_REMATCH[3]}
          if [ ${#value} -ge 2 ] && [ "${value:0:1}" = "${value: -1}" ] && [[ ${value:0:1} == [\"\'] ]]; then
            value=${value:1:${#value}-2}
          fi
          export "$key=$value"
        else
          # the line number, never the line: it may hold a secret
          echo "$PROG: $ENV_FILE:$n: expected KEY=value" >&2
          exit 2
        fi
      done < "$ENV_FILE"
      export DJANGO_ENV_FILE="$ENV_FILE"
    fi
    if [ -n "$SETTINGS" ]; then export DJANGO_SETTINGS_MODULE="$SETTINGS"; fi
    exec "$@"
  )
}

# The venv hash: the interpreter, the site-packages switch and every requirements
# file, exactly as djdeploy computes it (django.VenvStep), so either can reuse the
# other's venv.
venv_hash() {
  local sums
  sums=$(requirements_sums)
  { printf '%s' "$VENV_HASH_PREFIX"; printf '%s' "$sums"; } | sha256sum | cut -d ' ' -f 1
}

# The newest other release whose venv was built from the same hash, or nothing.
reusable_venv() {
  local f id best=""
  while IFS= read -r f; do
    id=${f%%/*}
    if [[ $id =~ ^[0-9]{14}$ ]] && [ "$id" != "$RELEASE" ] && [[ -z $best || $id > $best ]]; then best=$id; fi
  done < <(cd -- "$RELEASES_DIR" && grep -l -x -F -- "$1" */.venv/.djdeploy-venv 2>/dev/null || true)
  printf '%s' "$best"
}

# relocate_venv OLD NEW: a copied venv still names its old path in script shebangs
# and pyvenv.cfg (djdeploy's helper does the same in relocate-venv).
relocate_venv() {
  local old=$1 new=$2 f data
  for f in "$new"/bin/* "$new"/pyvenv.cfg; do
    if [ ! -f "$f" ] || [ -L "$f" ]; then continue; fi
    LC_ALL=C grep -q -I -F -- "$old" "$f" || continue   # -I: binaries are left alone
    data=$(cat -- "$f"; printf x)
    data=${data%x}
    printf '%s' "${data//"$old"/"$new"}" > "$f"
  done
}

# The value of header NAME in a curl -D dump (the last one wins), or nothing.
header_value() {
  awk -v h="$2" 'BEGIN { h = tolower(h) }
    { sub(/\r$/, ""); i = index($0, ":")
      if (i > 0 && tolower(substr($0, 1, i - 1)) == h) { v = substr($0, i + 1); sub(/^[ \t]+/, "", v); sub(/[ \t]+$/, "", v); val = v } }
    END { print val }' "$1"
}

# http_check URL STATUS MODE EXPECT RETRIES INTERVAL TIMEOUT: the URL must answer STATUS
# and (MODE header) report EXPECT in the header $HEALTH_HEADER or (MODE body) contain
# EXPECT; retried. Sets HEALTH_RESULT to what was seen.
http_check() {
  local url=$1 status=$2 mode=$3 expect=$4 retries=$5 interval=$6 timeout=$7
  local attempt=0 code seen ok tmp
  tmp=$(mktemp -d)
  while [ "$attempt" -lt "$retries" ]; do
    attempt=$((attempt + 1))
    rm -f "$tmp/headers" "$tmp/body"
    code=$(curl -s -o "$tmp/body" -D "$tmp/headers" -w '%{http_code}' --max-time "$timeout" \
      -H 'Cache-Control: no-cache' -A djdeploy-health -- "$url" 2>/dev/null) || code=000
    seen=""; ok=0
    if [ -f "$tmp/headers" ] && [ -n "${HEALTH_HEADER:-}" ]; then seen=$(header_value "$tmp/headers" "$HEALTH_HEADER"); fi
    if [ "$code" = "$status" ]; then
      case $mode in
        header) if [ "$seen" = "$expect" ]; then ok=1; fi ;;
        body) if grep -q -F -- "$expect" "$tmp/body" 2>/dev/null; then ok=1; seen=$expect; fi ;;
        *) ok=1 ;;
      esac
    fi
    if [ "$ok" = 1 ]; then
      HEALTH_RESULT="HTTP $code${seen:+, release $seen} after $attempt attempt(s)"
      rm -rf "$tmp"
      return 0
    fi
    if [ "$code" = 000 ]; then HEALTH_RESULT="no answer within ${timeout}s"
    elif [ "$code" != "$status" ]; then HEALTH_RESULT="HTTP $code, expected $status"
    else HEALTH_RESULT="reports release ${seen:-none}, expected $expect"; fi
    HEALTH_RESULT+=" ($url, $attempt attempts)"
    if [ "$attempt" -lt "$retries" ]; then sleep "$interval"; fi
  done
  rm -rf "$tmp"
  return 1
}

# "16 unapplied migration(s): a, b, c, d, e and 11 more", from $PENDING (one per line).
pending_summary() {
  local m n s
  mapfile -t m <<< "$PENDING"
  n=${#m[@]}
  s=$(printf '%s, ' "${m[@]:0:5}")
  s=${s%, }
  if [ "$n" -gt 5 ]; then s+=" and $((n - 5)) more"; fi
  printf '%s unapplied migration(s): %s' "$n" "$s"
}

# JSON field KEY of a flat JSON object (strings only), for messages.
json_field() { printf '%s' "$1" | sed -n 's/.*"'"$2"'":"\([^"]*\)".*/\1/p' | head -n 1; }

# "user@origin (command ref) since started", from a lock file's JSON.
lock_holder() {
  local u o c r s
  u=$(json_field "$1" user); o=$(json_field "$1" origin); c=$(json_field "$1" command)
  r=$(json_field "$1" ref); s=$(json_field "$1" started)
  printf '%s' "${u:-unknown user}${o:+@$o}${c:+ ($c${r:+ $r})}${s:+ since $s}"
}

# Keeps keep_releases releases, never the new one or the previous (the rollback target);
# leftovers of interrupted runs (no REVISION) go first. As djdeploy's cleanup.
cleanup_releases() {
  local id all n i removed=""
  # shellcheck disable=SC2010  # release ids are 14 digits: only those names pass the grep
  for id in $(ls -1 -- "$RELEASES_DIR" | grep -E '^[0-9]{14}$' | sort); do
    if [ "$id" != "$RELEASE" ] && [ "$id" != "$PREVIOUS" ] && [ ! -f "$RELEASES_DIR/$id/REVISION" ]; then
      rm -rf -- "${RELEASES_DIR:?}/$id" || return 1
      log "removed the incomplete release $id (left by an interrupted run)"
    fi
  done
  # shellcheck disable=SC2010
  mapfile -t all < <(ls -1 -- "$RELEASES_DIR" | grep -E '^[0-9]{14}$' | sort)
  n=${#all[@]}
  for ((i = 0; i < n - KEEP_RELEASES; i++)); do
    id=${all[$i]}
    if [ "$id" != "$RELEASE" ] && [ "$id" != "$PREVIOUS" ]; then
      rm -rf -- "${RELEASES_DIR:?}/$id" || return 1
      removed+=" $id"
    fi
  done
  if [ -n "$removed" ]; then log "removed old releases:$removed"; fi
}

# Runs on every exit. Before the switch a failure removes the unfinished release (users
# never saw it); after it, the host goes back to the previous release. Then the ledger
# line, then the lock is released.
finish() {
  local rc=$? code outcome
  trap - EXIT ERR
  trap '' INT TERM HUP   # a second Ctrl-C must not cut the cleanup short
  set +e
  if [ "$rc" -eq 0 ]; then
    end_step ok
    outcome=success; code=0
  else
    if [ "$INTERRUPTED" = 1 ]; then end_step interrupted; else end_step failed; fi
    if [ -z "$ERROR" ]; then
      if [ "$INTERRUPTED" = 1 ]; then ERROR="$HOST: ${LAST_STEP:-start}: interrupted"
      else ERROR="$HOST: ${LAST_STEP:-start}: command failed (exit $rc): $FAILED_COMMAND"; fi
      printf '%s: error: %s\n' "$PROG" "$ERROR" >&2
    fi
    # the switch runs the web reload in the same command: if that failed, current moved anyway
    if [ "$SWITCHED" != 1 ] && [ -n "$RELEASE" ] && [ "$(current_release)" = "$RELEASE" ]; then SWITCHED=1; fi
    if [ "$SWITCHED" = 1 ]; then
      if switch_back; then outcome=rolled_back; code=7; else outcome=failed; code=8; fi
    else
      if [ "$RELEASE_CREATED" = 1 ]; then
        rm -rf -- "$RELEASE_DIR" && log "removed the unfinished release $RELEASE"
      fi
      case $rc in
        4|130) outcome=failed; code=$rc ;;
        10) outcome=gated; code=10 ;;
        *) outcome=failed; code=6 ;;
      esac
      if [ "$INTERRUPTED" = 1 ]; then outcome=interrupted; fi
    fi
  fi
  local why=$NOTE
  if [ "$LOCKED" = 1 ]; then
    local note="by export-script"
    if [ -n "$MIGRATED" ]; then note+="; applied migrations: $MIGRATED"; fi
    if [ -n "$NOTE" ]; then note+="; $NOTE"; fi
    NOTE=$note
    append_ledger "$outcome" || log "warning: could not write the ledger $LEDGER"
    release_lock || log "warning: could not release the lock $LOCK_DIR (djdeploy unlock $ENV_NAME --force removes it)"
  fi
  case $code in
    0) log "release $RELEASE ($REF ${SHA:0:12}) is live" ;;
    7) log "back on release $PREVIOUS: $ERROR" ;;
    8) if [ "$SWITCHED" = 1 ]; then
         log "NOT back on the previous release: ${why:-see above}; release $RELEASE is current. Fix forward, or run djdeploy rollback $ENV_NAME deliberately"
       else
         log "switched back to release $PREVIOUS, but: $why"
       fi ;;
    4) ;;
    *) log "nothing changed${PREVIOUS:+: still serving release $PREVIOUS}" ;;
  esac
  exit "$code"
}
