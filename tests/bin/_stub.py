"""A stand-in package manager for the install-guard tests: never installs anything.

Called by the shell stubs beside it as ``_stub.py "$0" "$@"``. Appends one JSON line to
$STUB_LOG — the stub's path, its arguments (as bytes in hex, to compare byte for byte) and its
environment — then exits with $STUB_EXIT (default 0).
"""

import json
import os
import sys

record = {
    "path": sys.argv[1],
    "program": os.path.basename(sys.argv[1]),
    "args_hex": [os.fsencode(arg).hex() for arg in sys.argv[2:]],
    "env": dict(os.environ),
}
with open(os.environ["STUB_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps(record) + "\n")
sys.exit(int(os.environ.get("STUB_EXIT", "0")))
