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
