/** Export of the audit log and its retention (issue 5). */
export const auditExportOperations = {};
