"""A second seat in its own process, for the two-seat tests: services over one server, driven by
JSON lines on stdin, answering JSON lines on stdout (not a test module).

    python tests/seat_driver.py URL ROOT OPERATOR
    {"op": "set", "ys": 1, "edits": [[unit, month, key, text, version]]}  → {"ok": true, "t": …}
    {"op": "loop", "ys": 1, "cells": [[unit, month, key], …], "batch": 5}  → {"committed": i, "values": […]} per batch
    {"op": "assign", "year": 2026, "scheme": "ganxian-2023-online"}  → {"ok": true, "id": …}
    {"op": "quit"}
"""

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hotline_desktop.paths import DataPaths  # noqa: E402
from hotline_desktop.services.app import AppServices  # noqa: E402
from hotline_desktop.services.assessment import CellEdit  # noqa: E402


def say(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def main() -> None:
    url, root, operator = sys.argv[1:4]
    services = AppServices.open(DataPaths(Path(root), url), lock=False, auto_backup=False)
    services.store.set_operator(operator)
    say({"ready": True})
    for line in sys.stdin:
        cmd = json.loads(line)
        if cmd["op"] == "quit":
            break
        if cmd["op"] == "set":
            try:
                services.assessment.set_values(cmd["ys"], [CellEdit(*e) for e in cmd["edits"]])
                say({"ok": True, "t": time.time()})
            except Exception as e:  # noqa: BLE001 - reported to the test
                say({"ok": False, "error": str(e)})
        elif cmd["op"] == "assign":
            row = services.assessment.assign(cmd["year"], cmd["scheme"])
            say({"ok": True, "id": row.id})
        elif cmd["op"] == "loop":
            cells, step = cmd["cells"], cmd["batch"]
            for i in range(0, len(cells), step):
                values = [str(1000 + i + j) for j in range(len(cells[i:i + step]))]
                services.assessment.set_values(cmd["ys"], [CellEdit(u, m, k, v) for (u, m, k), v in
                                                           zip(cells[i:i + step], values, strict=True)])
                say({"committed": i, "values": values})
    services.close()


if __name__ == "__main__":
    main()
