#!/usr/bin/env bash
# Smoke check: every benchmark in its short (--quick) form. Figures from a quick run are for
# seeing that the scripts work, not for quoting; run each script without --quick for those.
#   bench/run_all.sh                           uses python3
#   PYTHON=.venv/bin/python bench/run_all.sh   uses that interpreter
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
for script in engine_turns pack_load pack_check pack_bombs store_save search answer_turnaround answer_bytes retro; do
  echo "== bench/$script.py --quick"
  "$PYTHON" "bench/$script.py" --quick
  echo
done
