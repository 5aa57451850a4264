/** What a server started with bench/support/server-timing.cjs says about the POSTs of one bucket. */
export type ServerStats = { count: number; p50: number | null; p99: number | null; cpuMsPerRequest: number | null };

export type Timing = {
  /** Forgets everything and starts recording into the default bucket. */
  reset(): Promise<void>;
  record(bucket: string): Promise<void>;
  pause(): Promise<void>;
  stats(bucket?: string): Promise<ServerStats>;
  profile: { start(): Promise<void>; stop(): Promise<unknown> };
};

export function timingOf(port: number): Timing {
  const get = async (path: string) => (await (await fetch(`http://127.0.0.1:${port}${path}`)).json()) as unknown;
  const q = (bucket: string) => `?bucket=${encodeURIComponent(bucket)}`;
  return {
    reset: async () => void (await get("/reset")),
    record: async (bucket) => void (await get(`/record${q(bucket)}`)),
    pause: async () => void (await get("/pause")),
    stats: async (bucket = "default") => (await get(`/stats${q(bucket)}`)) as ServerStats,
    profile: { start: async () => void (await get("/profile/start")), stop: () => get("/profile/stop") },
  };
}
