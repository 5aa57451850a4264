import { describe, expect, it } from "vitest";
import { FREE_FAILURES, lockSeconds } from "./sign-in";

describe("lockSeconds", () => {
  it("locks nothing for the first free failures", () => {
    expect(FREE_FAILURES).toBe(5);
    for (let n = 0; n < FREE_FAILURES; n++) expect(lockSeconds(n), String(n)).toBe(0);
  });

  it("doubles from 2 s at the fifth failure", () => {
    expect([5, 6, 7, 8, 9, 10, 13].map(lockSeconds)).toEqual([2, 4, 8, 16, 32, 64, 512]);
  });

  it("caps the lock at 15 minutes", () => {
    expect(lockSeconds(14)).toBe(900);
    expect(lockSeconds(100)).toBe(900);
    expect(lockSeconds(10_000)).toBe(900);
  });

  it("never shrinks as failures grow", () => {
    for (let n = 0; n < 40; n++) expect(lockSeconds(n + 1)).toBeGreaterThanOrEqual(lockSeconds(n));
  });
});
