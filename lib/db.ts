import { sql } from "drizzle-orm";
import { getDatabase, type Tx } from "@/db/client";

export type { Tx } from "@/db/client";

/** Whom a transaction acts for; read by the row-level security policies. */
export type Scope = { tenantId?: string; userId?: string; secretHash?: string };

/**
 * Runs `fn` in one transaction whose row-level-security scope is `scope`.
 * Every tenant-owned row outside that scope is invisible to it.
 */
export async function transaction<T>(scope: Scope, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const { db } = await getDatabase();
  const callbacks: (() => void)[] = [];
  const result = await db.transaction(async (tx) => {
    commitCallbacks.set(tx, callbacks);
    await setScope(tx, scope);
    return fn(tx);
  });
  for (const callback of callbacks) callback();
  return result;
}

const commitCallbacks = new WeakMap<Tx, (() => void)[]>();

/** Runs `fn` in this process once the transaction has committed (never if it rolls back). */
export function afterCommit(tx: Tx, fn: () => void): void {
  const callbacks = commitCallbacks.get(tx);
  if (!callbacks) throw new Error("afterCommit needs a transaction opened by transaction()");
  callbacks.push(fn);
}

/** Re-scopes a running transaction, e.g. once a presented secret has revealed its tenant. */
export async function setScope(tx: Tx, scope: Scope): Promise<void> {
  await tx.execute(
    sql`select set_config('app.tenant_id', ${scope.tenantId ?? ""}, true),
               set_config('app.user_id', ${scope.userId ?? ""}, true),
               set_config('app.secret_hash', ${scope.secretHash ?? ""}, true)`,
  );
}

export const inTenant = <T>(tenantId: string, fn: (tx: Tx) => Promise<T>) => transaction({ tenantId }, fn);
