import { z } from "zod";
import { approvalStatuses, approverRoles, voteDecisions } from "@/db/schema";
import { decideApprovalInput } from "@/lib/approvals/decide";
import { listApprovalsInput } from "@/lib/approvals/queries";
import { defineOperation } from "./operation";

const timestamp = z.iso.datetime();

const approval = z.object({
  id: z.string(),
  status: z.enum(approvalStatuses),
  agentId: z.string(),
  agentName: z.string(),
  keyPrefix: z.string(),
  sessionId: z.string().nullable(),
  server: z.string(),
  tool: z.string(),
  exposedName: z.string().meta({ description: "The name the agent called" }),
  toolHash: z.string().meta({ description: "sha256 of the tool's definition when the call was made; an approval only runs that definition" }),
  argumentsHash: z.string().meta({ description: "sha256 of the canonical JSON of the arguments; an approval only runs these arguments" }),
  arguments: z.unknown(),
  rule: z.object({ role: z.string(), position: z.number().int(), condition: z.string().nullable(), reason: z.string() }),
  approverRole: z.enum(approverRoles),
  approvalsRequired: z.number().int(),
  comment: z.string().nullable(),
  votes: z.array(z.object({ userId: z.string(), userName: z.string(), decision: z.enum(voteDecisions), comment: z.string(), createdAt: timestamp })),
  msLeft: z.number().meta({ description: "Milliseconds until a pending request expires" }),
  createdAt: timestamp,
  expiresAt: timestamp,
  decidedAt: timestamp.nullable(),
  consumedAt: timestamp.nullable(),
});

const sessionCall = z.object({ server: z.string(), tool: z.string(), name: z.string(), decision: z.enum(["allow", "deny", "require_approval"]), at: timestamp });

export const approvalOperations = {
  listApprovals: defineOperation({
    id: "listApprovals",
    method: "GET",
    path: "/tenants/{tenant}/approvals",
    tag: "Approvals",
    summary: "Approval requests, newest first; pending ones unless `status` says otherwise",
    auth: "tenant",
    permission: "approvals.read",
    query: listApprovalsInput,
    response: z.object({
      approvals: z.array(
        approval.extend({
          recent: z
            .object({ calls: z.array(sessionCall), total: z.number().int() })
            .optional()
            .meta({ description: "With `recentCalls=N`: the last N calls of the agent's session before the request, and how many there were" }),
        }),
      ),
    }),
  }),
  getApproval: defineOperation({
    id: "getApproval",
    method: "GET",
    path: "/tenants/{tenant}/approvals/{approval}",
    tag: "Approvals",
    summary: "One approval request with its votes and the agent's earlier calls in the session",
    auth: "tenant",
    permission: "approvals.read",
    response: z.object({ approval: approval.extend({ sessionCalls: z.array(sessionCall) }) }),
  }),
  decideApproval: defineOperation({
    id: "decideApproval",
    method: "POST",
    path: "/tenants/{tenant}/approvals/{approval}/decision",
    tag: "Approvals",
    summary:
      "Approve or deny a pending request. A deny decides at once; approvals count distinct people. Refused (409) once decided or expired; the member who issued the agent's key cannot be its only approver",
    auth: "tenant",
    permission: "approvals.decide",
    body: decideApprovalInput,
    response: z.object({ approval: approval.omit({ votes: true, msLeft: true }) }),
  }),
};
