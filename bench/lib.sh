# bench/lib.sh: helpers shared by the bench scripts (sourced, not run). Each script sets
# BENCH (its name, for messages) before sourcing this file.
# shellcheck shell=bash

now() { date +%s.%N; }
die() { echo "${BENCH:-bench}: $*" >&2; exit 1; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
fmt() { awk -v x="$1" 'BEGIN {printf "%.2f", x}'; }
fmts() { local v; for v in "$@"; do printf '%ss ' "$(fmt "$v")"; done | sed 's/ $//'; }  # "1.23s 4.56s"
# the index (1-based) of the median value's run
median_run() { local m="$1" i=0 v; shift; for v in "$@"; do i=$((i + 1)); [ "$v" = "$m" ] && { echo "$i"; return; }; done; echo 1; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN {print b - a}'; }

# ssh DIR ADDR COMMAND...: OpenSSH to the test host, strict host key, nothing from ~/.ssh
host_ssh() {
  local dir="$1" addr="$2"; shift 2
  ssh -F /dev/null -i "$dir/client_key" -o IdentitiesOnly=yes -o BatchMode=yes \
    -o UserKnownHostsFile="$dir/known_hosts" -o StrictHostKeyChecking=yes "root@$addr" "$@"
}

# the machine is shared (every test host and djdeploy run on its cores): say how busy it was
load() { echo "load: $1 loadavg_1m=$(cut -d' ' -f1 /proc/loadavg) cores=$(nproc)"; }

BENCH_RESTART_LINE='  reload: supervisorctl -c /etc/demo/supervisord.conf restart demo-web'
# config_for STRATEGY DIR -> path of a deploy.yml variant of the test host's for that strategy
config_for() {
  local s=$1 d=$2 web
  case "$s" in
    restart) web="  strategy: restart
$BENCH_RESTART_LINE" ;;
    reload) web="  strategy: reload
  reload: supervisorctl -c /etc/demo/supervisord.conf signal HUP demo-web" ;;
    blue-green) web="  strategy: blue-green
  start: supervisorctl -c /etc/demo/supervisord.conf start demo-web-{color}
  stop: supervisorctl -c /etc/demo/supervisord.conf stop demo-web-{color}
  log: tail -n 30 /var/log/demo/web-{color}.log
  standby: 10m" ;;
    *) die "config_for: unknown strategy $s" ;;
  esac
  WEB="$web" /usr/bin/python3 - "$d/deploy.yml" "$d/$s.yml" "$BENCH_RESTART_LINE" <<'PY'
import os, sys
src, dst, line = sys.argv[1], sys.argv[2], sys.argv[3]
text = open(src).read()
assert line + "\n" in text, "deploy.yml has no restart line"
open(dst, "w").write(text.replace(line + "\n", os.environ["WEB"] + "\n"))
PY
  echo "$d/$s.yml"
}

# ---- the hand-run checklist on a test host (bench/rollback, bench/deploy) -----------------
# It runs in one checkout, /srv/manual (cloned from DIR/repo with its own venv the first time);
# while it runs, /srv/demo/current points to it, so the same supervisor program and nginx serve
# it. Steps call `mark NAME` to record a timestamp. Logs go to BENCH_HOST_LOG.

# checkout_prelude DIR: shell for the host (untimed): the checkout exists, current points to it
checkout_prelude() {
  cat <<SH
set -e
if [ ! -d /srv/manual/.git ]; then
  git clone -q $1/repo /srv/manual
  /usr/bin/python3 -m venv --system-site-packages /srv/manual/.venv
fi
cd /srv/demo && rm -f current.tmp && ln -s /srv/manual current.tmp && mv -T current.tmp current
SH
}

# on_host DIR ADDR WHAT: runs the shell on stdin on the host (untimed); dies naming WHAT
on_host() {
  host_ssh "$1" "$2" bash -s >>"$BENCH_HOST_LOG" 2>&1 || { tail -20 "$BENCH_HOST_LOG" >&2; die "$3 failed"; }
}

# timed_on_host DIR ADDR MARKSFILE WHAT: runs the steps on stdin with a timestamping `mark`;
# sets T0 T1 around the whole ssh process (the script is read before T0). Not in a pipeline:
# T0 and T1 must reach the caller.
# shellcheck disable=SC2034  # T0 and T1 are the caller's
timed_on_host() {
  local script
  # shellcheck disable=SC2016  # the mark function is for the host
  script="$(printf '%s\n' 'set -e' 'mark() { echo "@@ $1 $(date +%s.%N)"; }'; cat)"
  T0="$(now)"
  host_ssh "$1" "$2" bash -s <<<"$script" >"$3" 2>>"$BENCH_HOST_LOG" \
    || { tail -20 "$BENCH_HOST_LOG" >&2; die "$4 failed"; }
  T1="$(now)"
}

# restore_current DIR ADDR RELEASE: current back to djdeploy's release, restarted and healthy (untimed)
restore_current() {
  on_host "$1" "$2" "restoring release $3" <<SH
set -e
cd /srv/demo && rm -f current.tmp && ln -s releases/$3 current.tmp && mv -T current.tmp current
supervisorctl -c /etc/demo/supervisord.conf restart demo-web
for i in \$(seq 300); do [ "\$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 http://$2/healthz/)" = 200 ] && exit 0; sleep 0.1; done
echo "http://$2/healthz/ did not answer 200" >&2; exit 1
SH
}

# marks_breakdown MARKSFILE T0 T1 -> "ssh_start_s=.. NAME_s=.. ... ssh_end_s=.."
marks_breakdown() {
  awk -v t0="$2" -v t1="$3" '$1 == "@@" {n[++k] = $2; t[k] = $3}
    END {
      printf "ssh_start_s=%.2f", t[1] - t0
      for (i = 2; i <= k; i++) printf " %s_s=%.2f", n[i], t[i] - t[i-1]
      printf " ssh_end_s=%.2f\n", t1 - t[k]
    }' "$1"
}
