/** The audit actions of an approval request's life (kept free of imports: the console's filter form runs in the browser). */
export const approvalActions = ["approval.requested", "approval.voted", "approval.approved", "approval.denied", "approval.expired", "approval.consumed"] as const;
export type ApprovalAction = (typeof approvalActions)[number];
