#!/usr/bin/env bash
# Compile Qt Designer sources ui/*.ui into hotline_desktop/gui/ui_*.py (commit both).
set -euo pipefail
cd "$(dirname "$0")/.."
UIC=${UIC:-.venv/bin/pyside6-uic}
for src in ui/*.ui; do
    name=$(basename "$src" .ui)
    out="hotline_desktop/gui/ui_${name}.py"
    "$UIC" "$src" -o "$out"
    # Generated code: keep ruff quiet about its unused imports.
    sed -i '1i # ruff: noqa' "$out"
    echo "ui/${name}.ui -> hotline_desktop/gui/ui_${name}.py"
done
