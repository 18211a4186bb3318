#!/usr/bin/env python3
"""Measures `mandat serve`: from saving a page to the new page being served.

    cargo build --release
    python3 bench/serve_latency.py                      # 1,000 and 10,000 pages
    python3 bench/serve_latency.py --pages 10000 --edits 50

For each size it writes a corpus (bench/serve_corpus.py) into a temporary folder, starts
`target/release/mandat serve` on a free port, opens the live-reload stream as a page
would, and then, for each edit: writes the page's file, waits for the reload event that
names the page, and fetches the page until it has the new text. The time is taken from
just before the write to the end of that fetch: what an editor waits for between saving
and seeing the change. Two kinds of edit are measured: the text of a page (the common
case) and its title (which changes its section, the home page, tags and feeds too).

This is a benchmark, not a test: run it on a quiet machine and read the spread.
"""

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import serve_corpus as corpus  # noqa: E402


class Server:
    def __init__(self, binary, root):
        self.proc = subprocess.Popen(
            [binary, "serve", "--root", root, "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "NO_COLOR": "1"},
        )
        self.lines = []
        self.port = None
        ready = threading.Event()

        def read():
            for line in self.proc.stdout:
                self.lines.append(line.rstrip("\n"))
                m = re.search(r"serving http://127\.0\.0\.1:(\d+)/", line)
                if m:
                    self.port = int(m.group(1))
                    ready.set()
            ready.set()

        threading.Thread(target=read, daemon=True).start()
        if not ready.wait(600) or self.port is None:
            self.stop()
            sys.exit("the server did not start:\n" + "\n".join(self.lines))

    def get(self, path):
        with socket.create_connection(("127.0.0.1", self.port), timeout=30) as s:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
            data = b""
            while True:
                chunk = s.recv(1 << 16)
                if not chunk:
                    break
                data += chunk
        return data.decode("utf-8", "replace")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class Events:
    """The live-reload stream, as a page at `path` hears it."""

    def __init__(self, port, path):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=60)
        query = path.replace("/", "%2F")
        self.sock.sendall(f"GET /__mandat/events?path={query} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        self.buf = b""

    def next(self):
        while b"\n\n" not in self.buf:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise RuntimeError("the event stream ended")
            self.buf += chunk
        block, self.buf = self.buf.split(b"\n\n", 1)
        for line in block.decode().splitlines():
            if line.startswith("data: "):
                return json.loads(line[6:])
        return self.next()

    def until_reload(self, path):
        while True:
            e = self.next()
            if e.get("error"):
                raise RuntimeError("build error:\n" + e["error"])
            if e["type"] == "reload" and (e["paths"] is None or path in e["paths"]):
                return e


def measure(server, events, file, url_path, edit, count):
    original = open(file, encoding="utf-8").read()
    times = []
    try:
        for i in range(count):
            marker = f"merke{i}x{time.monotonic_ns()}"
            text = edit(original, marker)
            time.sleep(0.3)  # let the last build settle, as between two saves
            start = time.perf_counter()
            with open(file, "w", encoding="utf-8") as f:
                f.write(text)
            events.until_reload(url_path)
            while marker not in server.get(url_path):
                pass
            times.append((time.perf_counter() - start) * 1000)
    finally:
        with open(file, "w", encoding="utf-8") as f:
            f.write(original)
        events.until_reload(url_path)
    return times


def body_edit(text, marker):
    return text + f"\nEn ny setning med {marker}.\n"


def title_edit(text, marker):
    return re.sub(r'^title: "', f'title: "{marker} ', text, count=1, flags=re.M)


def summary(times):
    times = sorted(times)
    p90 = times[min(len(times) - 1, int(len(times) * 0.9))]
    return f"median {statistics.median(times):6.1f} ms   p90 {p90:6.1f} ms   min {times[0]:6.1f} ms   max {times[-1]:6.1f} ms"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--edits", type=int, default=30, help="edits of each kind per size")
    ap.add_argument("--binary", default=os.path.join(HERE, "..", "target", "release", "mandat"))
    args = ap.parse_args()
    if not os.path.exists(args.binary):
        sys.exit(f"{args.binary} not found: run `cargo build --release` first")

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    for n in args.pages:
        with tempfile.TemporaryDirectory(prefix=f"mandat-bench-{n}-") as root:
            corpus.write(root, n)
            started = time.perf_counter()
            server = Server(args.binary, root)
            print(f"\n{n} pages: first build and start {time.perf_counter() - started:.1f} s ({server.lines[0]})")
            try:
                page = n // 2 + 42
                url_path = f"/section-{page // corpus.PER_SECTION:03}/page-{page:05}/"
                file = os.path.join(root, "content", "pages", url_path.strip("/") + ".md")
                events = Events(server.port, url_path)
                events.next()  # hello
                for name, edit in [("text of one page", body_edit), ("title of one page", title_edit)]:
                    before = len(server.lines)
                    times = measure(server, events, file, url_path, edit, args.edits)
                    builds = [
                        int(m.group(1))
                        for line in server.lines[before:]
                        if (m := re.search(r" in (\d+) ms after", line))
                    ]
                    print(f"  {name:18}  save to page served: {summary(times)}")
                    if builds:
                        print(f"  {'':18}  of which rebuilding: median {statistics.median(builds):.0f} ms")
            finally:
                server.stop()


if __name__ == "__main__":
    main()
