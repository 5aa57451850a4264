import { z } from "zod";
import { describe, expect, it } from "vitest";
import { AppError } from "./errors";
import { parseInput } from "./validation";

const schema = z.object({
  name: z.string().trim().min(1, "Enter a name."),
  age: z.number({ error: "Enter a number." }).int("Whole years only.").min(0, "Not negative."),
  address: z.object({ city: z.string({ error: "Enter a city." }) }),
});

function failure(input: unknown, s: z.ZodType = schema): AppError {
  try {
    parseInput(s, input);
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error("expected parseInput to throw");
}

describe("parseInput", () => {
  it("returns the parsed (transformed) data", () => {
    expect(parseInput(schema, { name: "  Ada ", age: 36, address: { city: "London" } })).toEqual({ name: "Ada", age: 36, address: { city: "London" } });
  });

  it("throws one validation_failed error naming every bad field, nested ones by path", () => {
    const e = failure({ name: " ", age: "old", address: {} });
    expect(e.code).toBe("validation_failed");
    expect(e.status).toBe(422);
    expect(e.fields).toEqual({ name: ["Enter a name."], age: ["Enter a number."], "address.city": ["Enter a city."] });
    expect(e.message).toBe("name: Enter a name. age: Enter a number. address.city: Enter a city.");
  });

  it("collects several messages for one field, summarising with the first", () => {
    const s = z.object({ code: z.string().min(3, "At least 3 characters.").regex(/^[a-z]+$/, "Letters only.") });
    const e = failure({ code: "1" }, s);
    expect(e.fields).toEqual({ code: ["At least 3 characters.", "Letters only."] });
    expect(e.message).toBe("code: At least 3 characters.");
  });

  it("puts a whole-input problem under `_` and states it plainly", () => {
    const e = failure("not an object", z.object({ a: z.string() }, { error: "Send a JSON object." }));
    expect(e.fields).toEqual({ _: ["Send a JSON object."] });
    expect(e.message).toBe("Send a JSON object.");
  });

  it("reports a refinement on its path", () => {
    const s = z.object({ a: z.string(), b: z.string() }).refine((v) => v.a !== v.b, { message: "Must differ.", path: ["b"] });
    expect(failure({ a: "x", b: "x" }, s).fields).toEqual({ b: ["Must differ."] });
  });
});
