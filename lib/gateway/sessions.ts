import { and, eq, isNull } from "drizzle-orm";
import { mcpSessions } from "@/db/schema";
import { inTenant } from "@/lib/db";
import { publish, subscribe } from "@/lib/events/bus";
import { newId } from "@/lib/ids";
import { releaseSession } from "@/lib/upstream/pool";

export type McpSession = {
  id: string;
  tenantId: string;
  agentId: string;
  keyId: string;
  protocolVersion: string;
  clientName: string | null;
  clientVersion: string | null;
  clientCapabilities: Record<string, unknown>;
};

const MAX_CACHED = 10_000;

type SessionCache = { sessions: Map<string, McpSession>; subscribed: boolean };
const cache: SessionCache = ((globalThis as typeof globalThis & { __gatehouseSessions?: SessionCache }).__gatehouseSessions ??= {
  sessions: new Map(),
  subscribed: false,
});

function ensureSubscribed(): void {
  if (cache.subscribed) return;
  cache.subscribed = true;
  subscribe((event) => {
    if (event.kind === "reset") cache.sessions.clear();
    if (event.kind === "session_ended") {
      cache.sessions.delete(event.sessionId);
      releaseSession(event.sessionId);
    }
  });
}

export async function createSession(input: Omit<McpSession, "id">): Promise<McpSession> {
  ensureSubscribed();
  const session: McpSession = { id: newId("session"), ...input };
  await inTenant(input.tenantId, (tx) => tx.insert(mcpSessions).values(session));
  remember(session);
  return session;
}

/**
 * The live session with this id in this tenant, or undefined. Read once per
 * process, then served from memory until it ends (in any process).
 */
export async function findSession(tenantId: string, sessionId: string): Promise<McpSession | undefined> {
  ensureSubscribed();
  const cached = cache.sessions.get(sessionId);
  if (cached) return cached.tenantId === tenantId ? cached : undefined;
  if (!/^ses_[0-9A-Za-z]{20}$/.test(sessionId)) return undefined;
  const [row] = await inTenant(tenantId, (tx) =>
    tx
      .select({
        id: mcpSessions.id,
        tenantId: mcpSessions.tenantId,
        agentId: mcpSessions.agentId,
        keyId: mcpSessions.keyId,
        protocolVersion: mcpSessions.protocolVersion,
        clientName: mcpSessions.clientName,
        clientVersion: mcpSessions.clientVersion,
        clientCapabilities: mcpSessions.clientCapabilities,
      })
      .from(mcpSessions)
      .where(and(eq(mcpSessions.tenantId, tenantId), eq(mcpSessions.id, sessionId), isNull(mcpSessions.endedAt))),
  );
  if (row) remember(row);
  return row;
}

/** Ends a session for every process; its upstream sessions close too. */
export async function endSession(session: McpSession): Promise<void> {
  await inTenant(session.tenantId, async (tx) => {
    await tx
      .update(mcpSessions)
      .set({ endedAt: new Date() })
      .where(and(eq(mcpSessions.tenantId, session.tenantId), eq(mcpSessions.id, session.id)));
    await publish(tx, { kind: "session_ended", sessionId: session.id });
  });
  cache.sessions.delete(session.id);
  releaseSession(session.id);
}

function remember(session: McpSession): void {
  if (cache.sessions.size >= MAX_CACHED) {
    const oldest = cache.sessions.keys().next().value;
    if (oldest) cache.sessions.delete(oldest);
  }
  cache.sessions.set(session.id, session);
}
