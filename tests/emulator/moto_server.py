"""Runs a moto server on 127.0.0.1 for as long as whoever started it keeps stdin open.

Prints the port on the first line of stdout once the server answers. Tests start it with a
pipe on stdin, so the server stops when the test process exits, however it exits.

    python moto_server.py [--port N]   # N = 0 picks a free port
"""

import argparse
import logging
import sys

from moto.server import ThreadedMotoServer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    # One access-log line per request would drown the output of whoever runs this.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=args.port, verbose=False)
    server.start()
    _, port = server.get_host_and_port()
    print(port, flush=True)
    try:
        sys.stdin.read()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
