import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { adminTokens, approvals, approvalVotes, memberships, users, voteDecisions, type Approval } from "@/db/schema";
import { inTenant, type Tx } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import { publish } from "@/lib/events/bus";
import { newId } from "@/lib/ids";
import { assertCan } from "@/lib/rbac/permissions";
import type { TenantContext } from "@/lib/tenancy/context";
import { parseInput } from "@/lib/validation";
import { approverText, ranksAsApprover } from "./approvers";
import { recordApprovalChange } from "./audit";

export const decideApprovalInput = z
  .object({
    decision: z.enum(voteDecisions, { error: `The decision is one of: ${voteDecisions.join(", ")}.` }),
    comment: z.string().trim().max(1000, "A comment has at most 1000 characters.").default(""),
  })
  .strict();
export type DecideApprovalInput = z.input<typeof decideApprovalInput>;

type Person = { id: string; name: string };

/**
 * One reviewer's decision on a pending request. A deny decides at once; an
 * approval counts toward the rule's number of distinct people. Exactly one
 * decision wins when reviewers race: the request row is locked while a
 * decision is taken, and anything but "pending" is refused.
 */
export async function decideApproval(ctx: TenantContext, approvalId: string, input: DecideApprovalInput): Promise<Approval> {
  assertCan(ctx, "approvals.decide");
  const data = parseInput(decideApprovalInput, input);
  const outcome = await inTenant(ctx.tenant.id, async (tx) => {
    const person = await personOf(tx, ctx);
    const [approval] = await tx
      .select({ row: approvals, expired: sql<boolean>`${approvals.expiresAt} <= now()` })
      .from(approvals)
      .where(and(eq(approvals.tenantId, ctx.tenant.id), eq(approvals.id, approvalId)))
      .for("update");
    if (!approval) throw notFound(`The approval request ${approvalId}`);
    const request = approval.row;
    if (request.status === "pending" && approval.expired) {
      // The expiry is a change of its own and must stick though the decision is refused.
      const [expired] = await tx.update(approvals).set({ status: "expired" }).where(eq(approvals.id, request.id)).returning();
      await recordApprovalChange(tx, expired!, "approval.expired", { reason: "no decision before the request expired" });
      await publish(tx, { kind: "approval", tenantId: ctx.tenant.id, approvalId, status: "expired" });
      return { refused: expiredError(approvalId) };
    }
    if (request.status !== "pending") return { refused: alreadyDecided(request) };
    if (!ranksAsApprover(ctx.role, request.approverRole)) {
      throw new AppError("forbidden", `This call needs a decision by ${approverText(request.approverRole)}; your role is ${ctx.role}.`);
    }
    const votes = await tx.select().from(approvalVotes).where(and(eq(approvalVotes.tenantId, ctx.tenant.id), eq(approvalVotes.approvalId, approvalId)));
    if (votes.some((v) => v.userId === person.id)) {
      throw new AppError("conflict", `You have already approved ${approvalId}; it needs ${request.approvalsRequired} different people.`);
    }
    const approvalsSoFar = votes.filter((v) => v.decision === "approve").length;
    if (data.decision === "approve" && request.keyCreatedBy === person.id && approvalsSoFar + 1 >= request.approvalsRequired && votes.every((v) => v.userId === person.id)) {
      throw new AppError("forbidden", "You issued the agent key this call was made with, so another reviewer must approve it.");
    }
    await tx.insert(approvalVotes).values({
      id: newId("vote"),
      tenantId: ctx.tenant.id,
      approvalId,
      userId: person.id,
      userName: person.name,
      decision: data.decision,
      comment: data.comment,
    });
    const final = data.decision === "deny" || approvalsSoFar + 1 >= request.approvalsRequired;
    if (!final) {
      await recordApprovalChange(tx, request, "approval.voted", { actor: person, comment: data.comment, reason: `approval 1 of ${request.approvalsRequired}` });
      await publish(tx, { kind: "approval", tenantId: ctx.tenant.id, approvalId, status: request.status });
      return { approval: request };
    }
    const comments = [...votes.filter((v) => v.decision === data.decision).map((v) => v.comment), data.comment].filter(Boolean).join(" / ");
    const [decided] = await tx
      .update(approvals)
      .set({
        status: data.decision === "approve" ? "approved" : "denied",
        decidedAt: sql`now()`,
        comment: comments || null,
        // An approved call may be repeated later: it stays usable as long as the request was open for.
        ...(data.decision === "approve" && { expiresAt: sql`now() + (${approvals.expiresAt} - ${approvals.createdAt})` }),
      })
      .where(eq(approvals.id, approvalId))
      .returning();
    await recordApprovalChange(tx, decided!, data.decision === "approve" ? "approval.approved" : "approval.denied", { actor: person, comment: data.comment });
    await publish(tx, { kind: "approval", tenantId: ctx.tenant.id, approvalId, status: decided!.status });
    return { approval: decided! };
  });
  if ("refused" in outcome) throw outcome.refused;
  return outcome.approval;
}

/** The person a decision is recorded for: the signed-in member, or the member who created the admin token. */
async function personOf(tx: Tx, ctx: TenantContext): Promise<Person> {
  if (ctx.actor.kind === "user") return { id: ctx.actor.userId, name: ctx.actor.name || ctx.actor.email };
  if (ctx.actor.kind === "operator") throw new AppError("forbidden", "Decisions are made by members, in the console or with an admin token.");
  const [creator] = await tx
    .select({ id: users.id, name: users.name, email: users.email })
    .from(adminTokens)
    .innerJoin(users, eq(users.id, adminTokens.createdBy))
    .innerJoin(memberships, and(eq(memberships.userId, users.id), eq(memberships.tenantId, adminTokens.tenantId)))
    .where(and(eq(adminTokens.tenantId, ctx.tenant.id), eq(adminTokens.id, ctx.actor.tokenId)));
  if (!creator) throw new AppError("forbidden", "Decisions are made by people: this admin token's creator is no longer a member, so it cannot decide approvals.");
  return { id: creator.id, name: creator.name || creator.email };
}

const expiredError = (id: string) => new AppError("conflict", `The approval request ${id} has expired; the agent must call again to ask anew.`);

function alreadyDecided(request: Approval): AppError {
  if (request.status === "expired") return expiredError(request.id);
  const what = { approved: "already approved", denied: "already denied", consumed: "already approved and used", pending: "pending" }[request.status];
  return new AppError("conflict", `The approval request ${request.id} was ${what}; a request is decided once.`);
}
