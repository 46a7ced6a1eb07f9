# shellcheck shell=bash
# Background jobs for .ci/run (sourced, not run; bash 4.3 or newer).
#
# Each job runs in a process group of its own, its output in a log of its own
# (or on the terminal). Whatever .ci/run waits for, every job is watched: the
# first one to fail stops the run at once, naming itself and its last log
# lines, and job_stop_all (on exit) stops what is still running, children
# included, so nothing outlives the run.

declare -A job_names=()  # pid -> name, for the jobs not yet seen to end
job_logs=$(mktemp -d "${TMPDIR:-/tmp}/ci-jobs.XXXXXX")

# job_log NAME: the file NAME's output goes to.
job_log() {
    printf '%s/%s.log' "$job_logs" "${1//[^A-Za-z0-9.-]/_}"
}

# job_start [--show] NAME COMMAND...: start COMMAND in the background; its
# output goes to NAME's log, or with --show to this terminal.
job_start() {
    local show=false
    if [ "$1" = --show ]; then show=true; shift; fi
    local name=$1
    shift
    if $show; then
        setsid "$@" </dev/null &
    else
        setsid "$@" >"$(job_log "$name")" 2>&1 </dev/null &
    fi
    job_names[$!]=$name
}

# job_wait NAME: return once the job NAME has ended well; any job that fails
# meanwhile (NAME or another) ends the run with exit 1.
job_wait() {
    local target=$1 pid name status
    while :; do
        local waiting=false
        for pid in "${!job_names[@]}"; do
            name=${job_names[$pid]}
            if kill -0 "$pid" 2>/dev/null; then
                [ "$name" = "$target" ] && waiting=true
                continue
            fi
            unset "job_names[$pid]"
            status=0
            wait "$pid" || status=$?
            [ "$status" -eq 0 ] || job_failed "$name" "$status"
        done
        $waiting || return 0
        sleep 1
    done
}

# job_failed NAME STATUS: say which job failed and how, then end the run.
job_failed() {
    local log
    log=$(job_log "$1")
    echo "ci: $1 failed (exit $2)" >&2
    if [ -s "$log" ]; then
        echo "ci: the last lines of its log:" >&2
        tail -n 20 "$log" | sed 's/^/    /' >&2
    fi
    exit 1
}

# job_show_log NAME: print NAME's log, once it has ended well.
job_show_log() {
    local log
    log=$(job_log "$1")
    if [ -f "$log" ]; then cat "$log"; fi
}

# job_stop_all: stop every job still running, its whole process group, and
# wait for them (SIGKILL after 10 s); never fails.
job_stop_all() {
    local pid _
    for pid in "${!job_names[@]}"; do
        kill -TERM -- "-$pid" 2>/dev/null || true
    done
    for pid in "${!job_names[@]}"; do
        for _ in $(seq 1 20); do
            kill -0 -- "-$pid" 2>/dev/null || break
            sleep 0.5
        done
        kill -KILL -- "-$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    job_names=()
    rm -rf "$job_logs" || true
}
