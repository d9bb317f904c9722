# Sourced by the browser e2e tests: browser_procs DIR prints the pids of live Chromium/Firefox
# processes (any of their helper processes: zygote, renderer, GPU, content) whose environment
# has TMPDIR=DIR -- the test exports its own TMPDIR, so these are the browsers it started.
browser_procs() {
  local want="TMPDIR=$1" p exe
  for p in /proc/[0-9]*; do
    exe=$(readlink "$p/exe" 2>/dev/null) || continue
    case "$exe" in
      */chromium/*|*/chromium|*/firefox-esr/*|*/firefox/*) ;;
      *) continue ;;
    esac
    tr '\0' '\n' <"$p/environ" 2>/dev/null | grep -qxF "$want" && echo "${p#/proc/}"
  done
}
