#!/usr/bin/env bash
# A single-node Slurm cluster on localhost, for the tests of `ntk tiles submit --slurm` (as root, no systemd).
#
#   scripts/slurm-local.sh start   start munged (as the munge user), slurmctld and slurmd; print the
#                                  `export SLURM_CONF=…` line the Slurm clients (sbatch, squeue …) need
#   scripts/slurm-local.sh stop    stop the daemons this script started (by their pid files) and remove its folder
#
# State, spool, logs and slurm.conf live in $SLURM_LOCAL_DIR (default /tmp/ntk-slurm-local). Debian 12's
# slurm-wlm 22.05 runs this way with ProctrackType=proctrack/linuxproc, TaskPlugin=task/none and
# SelectType=select/cons_tres; the node `localhost` gets this machine's CPUs and memory (slurmd -C).
set -euo pipefail

DIR="${SLURM_LOCAL_DIR:-/tmp/ntk-slurm-local}"
CONF="$DIR/slurm.conf"

die() {
  echo "slurm-local.sh: $*" >&2
  exit 1
}

start() {
  [ "$(id -u)" -eq 0 ] || die "must run as root (it starts munged as the munge user and slurmd as root)"
  for b in munged slurmctld slurmd sbatch; do
    command -v "$b" >/dev/null 2>&1 || die "$b not found; install Debian's slurm-wlm slurmctld slurmd slurm-client munge"
  done
  mkdir -p "$DIR"/{state,spool,log,munge}
  # the munge user must reach its folder inside ours (mktemp -d makes folders 0700)
  chmod 755 "$DIR"
  chown munge:munge "$DIR/munge"
  # munge: key created if missing; the daemon runs as the munge user with its socket in our folder
  if [ ! -s /etc/munge/munge.key ]; then
    mkdir -p /etc/munge
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=128 status=none
    chown munge:munge /etc/munge/munge.key
    chmod 400 /etc/munge/munge.key
  fi
  mkdir -p /run/munge /var/lib/munge /var/log/munge
  chown munge:munge /run/munge /var/lib/munge /var/log/munge
  if [ ! -S /run/munge/munge.socket.2 ] || ! munge -n >/dev/null 2>&1; then
    runuser -u munge -- munged --force --pid-file="$DIR/munge/munged.pid"
    for _ in $(seq 50); do munge -n >/dev/null 2>&1 && break; sleep 0.1; done
    munge -n >/dev/null 2>&1 || die "munged did not start"
    cp "$DIR/munge/munged.pid" "$DIR/munged.pid"
  fi
  # the node's CPUs and memory as slurmd sees them (slurm.conf refuses a node larger than the machine)
  local cpus mem
  cpus="$(nproc)"
  mem="$(slurmd -C | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p')"
  cat >"$CONF" <<EOF
ClusterName=ntklocal
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=1
ReturnToService=2
MpiDefault=none
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=600
KillWait=5
NodeName=localhost CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
  export SLURM_CONF="$CONF"
  slurmctld -f "$CONF" -i
  slurmd -f "$CONF" -N localhost
  for _ in $(seq 100); do
    if sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then
      echo "export SLURM_CONF=$CONF"
      return 0
    fi
    sleep 0.2
  done
  sinfo >&2 || true
  tail -n 20 "$DIR/log/slurmctld.log" "$DIR/log/slurmd.log" >&2 || true
  die "the node did not come up (logs in $DIR/log)"
}

stop_pidfile() {
  local f="$1"
  [ -s "$f" ] || return 0
  local pid
  pid="$(cat "$f")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

stop() {
  stop_pidfile "$DIR/slurmd.pid"
  stop_pidfile "$DIR/slurmctld.pid"
  stop_pidfile "$DIR/munged.pid"
  rm -rf "$DIR"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) die "usage: $0 start|stop" ;;
esac
