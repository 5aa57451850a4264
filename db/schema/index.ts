export * from "./users";
export * from "./tenancy";
export * from "./admin-tokens";
export * from "./registry";
export * from "./agents";
export * from "./access";
export * from "./gateway";
export * from "./audit";
