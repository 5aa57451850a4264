export * from "./users";
export * from "./tenancy";
export * from "./admin-tokens";
