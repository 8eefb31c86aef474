#!/usr/bin/env python3
"""tests/server/blackhole.py PORTFILE - a server that accepts connections
and never answers, so that a client can be caught between sending and
hearing back. Writes its port to PORTFILE, then "accepted" lines to
stdout as connections come."""
import socket
import sys
import time

s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
with open(sys.argv[1], "w") as f:
    f.write(str(s.getsockname()[1]))
held = []
while True:
    c, _ = s.accept()
    held.append(c)
    print("accepted", flush=True)
    time.sleep(0.01)
