import { describe, expect, it } from "vitest";
import { draftWouldBeReplaced } from "../../../client/editor/core/draft-choice.js";
import { setParam } from "../../../client/editor/core/modules.js";
import { doc } from "./catalog-fixture.js";

const saved = () => doc((w) => w.module("n1", "basic.Constant", { value: 2 }));

describe("opening a workflow by address over a draft", () => {
  it("asks when the draft of that workflow has changes the saved one has not", () => {
    const edited = setParam(saved(), "n1", "value", 3).doc;
    expect(draftWouldBeReplaced({ doc: edited, unsaved: true }, saved())).toBe(true);
  });

  it("opens without asking when there is no draft, or the draft is unchanged", () => {
    expect(draftWouldBeReplaced(undefined, saved())).toBe(false);
    expect(draftWouldBeReplaced({ doc: saved(), unsaved: false }, saved())).toBe(false);
    const { modules, ...rest } = saved();
    const reordered = { modules, ...rest };
    expect(draftWouldBeReplaced({ doc: reordered, unsaved: true }, saved())).toBe(false);
  });

  it("opens without asking over the draft of another workflow (Undo brings that back)", () => {
    const other = { ...setParam(saved(), "n1", "value", 3).doc, name: "other" };
    expect(draftWouldBeReplaced({ doc: other, unsaved: true }, saved())).toBe(false);
  });
});
