// Preloaded (`node --require`) into a server the benchmark starts, to time each
// POST inside that process: from the moment Node hands the request to the app
// to the moment the last byte of the answer is handed back to the socket. The
// difference to the client's end-to-end latency is the client, the loopback
// hop and Node's own HTTP parsing. Requests and the process's CPU time are
// counted into the current bucket, so that slices of several benchmark paths
// through one server can be told apart. Served on 127.0.0.1:BENCH_TIMING_PORT:
//   /reset                    forgets every bucket and records into "default"
//   /record?bucket=NAME       records into NAME from now on
//   /pause                    records nothing until the next /record
//   /stats[?bucket=NAME]      {count, p50, p99, cpuMsPerRequest} in ms
//   /profile/start            starts the V8 CPU profiler (100 µs sampling)
//   /profile/stop             stops it and answers the .cpuprofile JSON
"use strict";
const http = require("node:http");
const inspector = require("node:inspector");

const port = Number(process.env.BENCH_TIMING_PORT);
if (port) {
  const buckets = new Map();
  let current = null;
  let cpuMark = null;
  let session;
  const bucket = (name) => {
    let b = buckets.get(name);
    if (!b) buckets.set(name, (b = { samples: [], cpuMicros: 0 }));
    return b;
  };
  /** Adds the CPU time used since the mark to the current bucket. */
  const flush = () => {
    if (!current || !cpuMark) return;
    const used = process.cpuUsage(cpuMark);
    current.cpuMicros += used.user + used.system;
    cpuMark = process.cpuUsage();
  };
  const stop = () => {
    flush();
    current = null;
    cpuMark = null;
  };
  const record = (name) => {
    stop();
    current = bucket(name);
    cpuMark = process.cpuUsage();
  };

  const timing = Symbol("bench-timing");
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (event, req, res) {
    if (event === "request" && !this[timing] && req.method === "POST" && current) {
      const into = current;
      const started = performance.now();
      res.once("finish", () => {
        if (into.samples.length < 2_000_000) into.samples.push(performance.now() - started);
      });
    }
    return emit.apply(this, arguments);
  };

  const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (e, r) => (e ? reject(e) : resolve(r))));
  const json = (res, value) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(value));
  };
  const stats = (name) => {
    flush();
    const b = buckets.get(name) ?? { samples: [], cpuMicros: 0 };
    const sorted = Float64Array.from(b.samples).sort();
    const at = (p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] : null);
    // CPU time of the whole process (all threads, GC included) per request: robust to other load on the machine.
    return { count: sorted.length, p50: at(50), p99: at(99), cpuMsPerRequest: sorted.length ? b.cpuMicros / 1000 / sorted.length : null };
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const name = url.searchParams.get("bucket") ?? "default";
    switch (url.pathname) {
      case "/reset":
        stop();
        buckets.clear();
        record("default");
        return json(res, { ok: true });
      case "/record":
        record(name);
        return json(res, { ok: true });
      case "/pause":
        stop();
        return json(res, { ok: true });
      case "/stats":
        return json(res, stats(name));
      case "/profile/start":
        session ??= new inspector.Session();
        try {
          session.connect();
        } catch {
          // Already connected.
        }
        post("Profiler.enable")
          .then(() => post("Profiler.setSamplingInterval", { interval: 100 }))
          .then(() => post("Profiler.start"))
          .then(() => json(res, { ok: true }), (e) => json(res, { ok: false, error: String(e) }));
        return;
      case "/profile/stop":
        post("Profiler.stop").then((r) => json(res, r.profile), (e) => json(res, { error: String(e) }));
        return;
      default:
        res.writeHead(404).end();
    }
  });
  server[timing] = true;
  server.on("error", (e) => process.stderr.write(`[bench-timing] ${e.message}\n`));
  server.listen(port, "127.0.0.1");
  server.unref();
}
