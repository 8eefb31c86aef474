#!/usr/bin/python3
# tests/verify/server.py - a misbehaving catalogue server for the update
# tests, on 127.0.0.1 with a free port chosen by the kernel.
#
# usage: server.py DIR PORTFILE
#
# Serves the files in DIR. The first path segment picks the behaviour, so
# one server covers every case:
#   /ok/NAME        the file as it is
#   /drop/NAME      announces the full length, sends half, then closes
#   /droplen0/NAME  no length, sends half, then closes (looks complete to
#                   HTTP; only the signature can tell)
#   /tamper/NAME    one byte changed in the middle (signatures untouched,
#                   so the catalogue no longer matches its signature)
#   /missing/NAME   404
#   /trickle/NAME   no length, the whole file in 512-byte pieces (a size
#                   limit must count them all, not each one)
# The port is written to PORTFILE once the server listens.
import http.server
import os
import sys
import time


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, fmt, *args):
        pass  # keep test output readable

    def do_GET(self):
        parts = self.path.split("/", 2)
        if len(parts) != 3 or "/" in parts[2] or parts[2].startswith("."):
            self.send_error(404)
            return
        mode, name = parts[1], parts[2]
        path = os.path.join(self.server.root, name)
        if mode == "missing" or not os.path.isfile(path):
            self.send_error(404)
            return
        with open(path, "rb") as f:
            data = f.read()
        if mode == "tamper" and not name.endswith(".minisig"):
            i = len(data) // 2
            data = data[:i] + bytes([data[i] ^ 0x01]) + data[i + 1:]
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        if mode not in ("droplen0", "trickle"):
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if mode == "trickle" and not name.endswith(".minisig"):
            for i in range(0, len(data), 512):
                self.wfile.write(data[i:i + 512])
                self.wfile.flush()
                time.sleep(0.02)
            return
        if mode in ("drop", "droplen0") and not name.endswith(".minisig"):
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(data)


def main():
    root, portfile = sys.argv[1], sys.argv[2]
    srv = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    srv.root = root
    tmp = portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, portfile)
    srv.serve_forever()


if __name__ == "__main__":
    main()
