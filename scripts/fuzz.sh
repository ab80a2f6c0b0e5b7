#!/usr/bin/env bash
# Fuzzes one Jazzer @FuzzTest for N minutes (coverage-guided, JAZZER_FUZZ=1), starting from its committed seed corpus.
#
#   scripts/fuzz.sh TARGET [MINUTES]      e.g. scripts/fuzz.sh TorchPickleFuzzTest 10
#                                              scripts/fuzz.sh TextTokenizerFuzzTest#loadTokenizerJson 5
#   scripts/fuzz.sh --list                the fuzz targets
#
# TARGET is a test class (with one @FuzzTest) or CLASS#METHOD. MINUTES defaults to 5. Extra Maven arguments go in
# MVN_ARGS (e.g. MVN_ARGS=-o for offline). A crashing input is written by Jazzer into the target's seed folder
# (src/test/resources/<package>/<Class>Inputs/<method>/crash-*), where plain `mvn verify` then replays it as a
# regression test: fix the code, keep the file. The inputs the fuzzer found interesting are kept in
# <module>/.cifuzz-corpus/ (not committed) and reused by the next run. The module is built with its dependencies
# from this checkout (-am), so nothing needs installing first.
set -euo pipefail
cd "$(dirname "$0")/.."

targets() {
  grep -rl --include='*.java' '@FuzzTest' -- */src/test/java | while read -r f; do
    cls=$(basename "$f" .java)
    grep -A3 '@FuzzTest' "$f" | sed -n 's/.*void \([A-Za-z0-9_]*\)(.*/\1/p' | while read -r m; do
      echo "${cls}#${m}  (${f%%/src/*})"
    done
  done
}

if [[ $# -lt 1 || $1 == -h || $1 == --help ]]; then
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
if [[ $1 == --list ]]; then
  targets
  exit 0
fi

target=$1
minutes=${2:-5}
if ! [[ $minutes =~ ^[0-9]+$ ]] || (( minutes < 1 )); then
  echo "fuzz.sh: MINUTES must be a positive integer, got '$minutes'" >&2
  exit 2
fi
cls=${target%%#*}
file=$(grep -rl --include="${cls}.java" '@FuzzTest' -- */src/test/java | head -n 1 || true)
if [[ -z $file ]]; then
  echo "fuzz.sh: no @FuzzTest class named '$cls'; targets:" >&2
  targets >&2
  exit 2
fi
module=${file%%/src/*}
if [[ $target != *"#"* ]] && (( $(grep -c '@FuzzTest' "$file") > 1 )); then
  echo "fuzz.sh: $cls has several fuzz tests; name one as CLASS#METHOD:" >&2
  targets | grep "^${cls}#" >&2
  exit 2
fi
seconds=$((minutes * 60))
echo "fuzzing $target in $module for $minutes minute(s)" >&2
# jazzer-junit 0.24 appends the libFuzzer arguments jazzer.internal.arg.1.. after the @FuzzTest maxDuration, so
# -max_total_time here overrides it (arg.0 stands for argv[0]).
JAZZER_FUZZ=1 exec mvn -B ${MVN_ARGS:-} test -pl "$module" -am -Dtest="$target" -Dsurefire.failIfNoSpecifiedTests=false \
  -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1=-max_total_time="$seconds"
