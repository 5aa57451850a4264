/** Admin API operations of this area; spread into `operations` (lib/api/operations.ts). */
export const webhookOperations = {};
