/** How a tenant's audit log records: redaction, result size, full payloads, fail-open (issue 5). */
export const auditSettingsOperations = {};
