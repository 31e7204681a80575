#!/usr/bin/env bash
# Smoke check: every benchmark in its short (--quick) form. Figures from a quick run are for
# seeing that the scripts work, not for quoting; run each script without --quick for those.
#   bench/run_all.sh            uses /work/venv/bin/python if it exists, else python3
#   PYTHON=... bench/run_all.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${PYTHON:-}" ]; then
  if [ -x /work/venv/bin/python ]; then PYTHON=/work/venv/bin/python; else PYTHON=python3; fi
fi
for script in engine_turns pack_load pack_check store_save answer_turnaround; do
  echo "== bench/$script.py --quick"
  "$PYTHON" "bench/$script.py" --quick
  echo
done
