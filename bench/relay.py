#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A delaying TCP relay for latency benchmarks on loopback.

    relay.py --target HOST:PORT [--port P] [--delay-ms D]
             [--max-connections N] [--max-seconds S] [--log]

Listens on 127.0.0.1 (port 0 unless --port is given; the port actually bound
is printed on stdout as the first line) and forwards every accepted
connection to --target.  Each chunk read from either side is written to the
other side --delay-ms milliseconds after it was read (one-way delay, so the
round trip grows by 2 x delay).  Every chunk has its own scheduled write, in
order: chunks are never merged or re-split by the relay, so the timing of
separate writes is kept, and a flight split into several chunks costs no
extra delay (each piece arrives D after it left, exactly like packets on a
link with a fixed latency).  An end of stream is forwarded D after it was
read as well.  TCP_NODELAY is set on both sides.

Not modelled: the TCP three-way handshake.  The kernel completes the
connect to the relay at once on loopback, and the relay connects to the
target at once too, so the SYN / SYN-ACK round trip costs nothing here; a
benchmark has to add that round trip itself (bench-roundtrips adds 1).
Neither bandwidth, loss, nor the congestion window are modelled.

Bounded: at most --max-connections connections are served (then the
listener closes and the relay exits once they are done), and the process
exits after --max-seconds whatever happens.
"""

import argparse
import asyncio
import os
import socket
import sys


def set_nodelay(writer):
    sock = writer.get_extra_info("socket")
    if sock is not None:
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass


async def pump(reader, writer, delay, log=None):
    """Copy reader to writer, each chunk delay seconds after it was read."""
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    async def deliver():
        while True:
            due, data = await queue.get()
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if data is None:
                try:
                    if writer.can_write_eof():
                        writer.write_eof()
                except OSError:
                    pass
                return
            writer.write(data)
            # keep the kernel buffer, not ours, as the queue
            await writer.drain()

    sender = asyncio.create_task(deliver())
    try:
        while True:
            try:
                data = await reader.read(65536)
            except (ConnectionError, OSError):
                data = b""
            if log is not None:
                log(len(data))
            queue.put_nowait((loop.time() + delay, data if data else None))
            if not data:
                break
        await sender
    except (ConnectionError, OSError):
        pass
    finally:
        if not sender.done():
            sender.cancel()


async def serve_one(client_reader, client_writer, target, delay, log=False):
    host, port = target
    try:
        server_reader, server_writer = await asyncio.open_connection(host, port)
    except OSError as e:
        print(f"relay: cannot connect to {host}:{port}: {e}", file=sys.stderr)
        client_writer.close()
        return
    set_nodelay(client_writer)
    set_nodelay(server_writer)
    up = down = None
    if log:
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        peer = client_writer.get_extra_info("peername")
        conn = peer[1] if peer else "?"

        def logger(arrow):
            def log_chunk(size):
                what = f"{size} bytes" if size else "EOF"
                print(f"relay[{conn}] {1000 * (loop.time() - t0):9.1f} ms {arrow} {what}",
                      file=sys.stderr, flush=True)
            return log_chunk
        up, down = logger("client->server"), logger("server->client")
        # when this connection's clock starts, on the monotonic clock, so
        # that the chunks of several connections can be put on one time line
        print(f"relay[{conn}] opened {1000 * t0:.1f} ms monotonic", file=sys.stderr, flush=True)
    try:
        await asyncio.gather(pump(client_reader, server_writer, delay, up),
                             pump(server_reader, client_writer, delay, down),
                             return_exceptions=True)
    finally:
        for w in (client_writer, server_writer):
            try:
                w.close()
            except OSError:
                pass


async def main_async(args):
    host, _, port = args.target.rpartition(":")
    target = (host.strip("[]") or "127.0.0.1", int(port))
    delay = args.delay_ms / 1000.0
    remaining = args.max_connections
    active = set()
    finished = asyncio.Event()

    async def on_connect(reader, writer):
        nonlocal remaining
        if remaining <= 0:
            writer.close()
            return
        remaining -= 1
        if remaining == 0:
            server.close()
        task = asyncio.current_task()
        active.add(task)
        try:
            await serve_one(reader, writer, target, delay, args.log)
        finally:
            active.discard(task)
            if remaining == 0 and not active:
                finished.set()

    server = await asyncio.start_server(on_connect, "127.0.0.1", args.port)
    sock = server.sockets[0]
    print(sock.getsockname()[1], flush=True)
    try:
        await asyncio.wait_for(finished.wait(), timeout=args.max_seconds)
    except asyncio.TimeoutError:
        pass
    server.close()


def main():
    parser = argparse.ArgumentParser(description="Delaying TCP relay on loopback")
    parser.add_argument("--target", required=True, help="HOST:PORT to forward to")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: any)")
    parser.add_argument("--delay-ms", type=float, default=50.0,
                        help="one-way delay per chunk, each direction (default 50)")
    parser.add_argument("--max-connections", type=int, default=100,
                        help="serve at most this many connections (default 100)")
    parser.add_argument("--max-seconds", type=float, default=600.0,
                        help="exit after this many seconds (default 600)")
    parser.add_argument("--log", action="store_true",
                        help="log each chunk read (time since accept, direction, size) on stderr")
    args = parser.parse_args()
    if args.delay_ms < 0 or args.max_connections < 1 or args.max_seconds <= 0:
        parser.error("--delay-ms must be >= 0, --max-connections >= 1, --max-seconds > 0")
    try:
        asyncio.run(main_async(args))
    except KeyboardInterrupt:
        pass
    # don't wait for connections still open at the deadline
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
