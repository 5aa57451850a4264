import { describe, expect, it } from "vitest";
import { csvRow, neutralizeFormula } from "./export";

describe("csvRow", () => {
  it.each([
    [["a", "b"], "a,b\r\n"],
    [["", ""], ",\r\n"],
    [["a,b"], '"a,b"\r\n'],
    [['say "hi"'], '"say ""hi"""\r\n'],
    [["two\nlines"], '"two\nlines"\r\n'],
    [["cr\ronly"], '"cr\ronly"\r\n'],
    [[" spaced "], " spaced \r\n"],
    [['{"a":[1,"x,y"]}'], '"{""a"":[1,""x,y""]}"\r\n'],
  ])("writes %j as %j", (cells, row) => {
    expect(csvRow(cells)).toBe(row);
  });
});

describe("neutralizeFormula", () => {
  it.each([
    ["=1+2", "'=1+2"],
    ["+1", "'+1"],
    ["-1", "'-1"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\t=cmd", "'\t=cmd"],
    ["\r=cmd", "'\r=cmd"],
    ["a=1", "a=1"],
    ["plain", "plain"],
    ["", ""],
  ])("turns %j into %j", (text, cell) => {
    expect(neutralizeFormula(text)).toBe(cell);
  });
});
