import { spawn } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { workflowJsonSchemaText } from "../../server/schema/workflow-json-schema.js";
import { labflow, repoRoot } from "../helpers/labflow-cli.js";
import { tempDir } from "../helpers/temp-dir.js";
import { waitUntil } from "../helpers/wait-until.js";
import { workflow } from "../helpers/workflow-builder.js";

const examples = readdirSync(join(repoRoot, "workflows")).filter(
  (f) => f.endsWith(".json") && f !== "schema.json",
);
/**
 * Examples that need instruments or a Slurm cluster: test/integration/instruments runs them with
 * the simulator, test/integration/cluster with the test cluster.
 */
const NEEDS_LAB_PARTS = new Set(["instrument-demo.json", "cluster-demo.json"]);

function writeDoc(doc: unknown): string {
  const file = join(tempDir(), "workflow.json");
  writeFileSync(file, typeof doc === "string" ? doc : JSON.stringify(doc, null, 2));
  return file;
}

describe("labflow run", () => {
  it.each(examples.filter((f) => !NEEDS_LAB_PARTS.has(f)))(
    "runs the example %s to completed",
    async (file) => {
      const result = await labflow(["run", join("workflows", file), "--json", "--data", tempDir()]);
      expect(result.stderr).toBe("");
      const run = JSON.parse(result.stdout);
      expect(run.status).toBe("completed");
      expect(result.code).toBe(0);
      for (const m of Object.values(run.modules) as { status: string }[]) expect(m.status).toBe("done");
    },
  );

  it("reports every module cached when the same workflow runs again", async () => {
    const data = tempDir();
    await labflow(["run", "workflows/arithmetic.json", "--json", "--data", data]);
    const again = JSON.parse(
      (await labflow(["run", "workflows/arithmetic.json", "--json", "--data", data])).stdout,
    );
    expect(again.status).toBe("completed");
    expect(Object.values(again.modules).map((m) => (m as { status: string }).status)).toEqual(
      Array(5).fill("cached"),
    );
    expect(again.modules.scaled.outputs).toEqual({ result: 51 });
  });

  it("re-runs only the changed module and its downstream", async () => {
    const data = tempDir();
    const doc = JSON.parse(readFileSync(join(repoRoot, "workflows/arithmetic.json"), "utf8"));
    await labflow(["run", writeDoc(doc), "--json", "--data", data]);
    doc.modules[1].params.value = 30;
    const run = JSON.parse((await labflow(["run", writeDoc(doc), "--json", "--data", data])).stdout);
    const statuses = Object.fromEntries(
      Object.entries(run.modules).map(([id, m]) => [id, (m as { status: string }).status]),
    );
    expect(statuses).toEqual({ two: "cached", three: "done", sum: "done", scaled: "done", log: "done" });
    expect(run.modules.scaled.outputs).toEqual({ result: 321 });
  });

  it("starts unchanged work afresh with --rerun, and refuses it without a reason", async () => {
    const data = tempDir();
    await labflow(["run", "workflows/arithmetic.json", "--json", "--data", data]);
    const refused = await labflow(["run", "workflows/arithmetic.json", "--rerun", "sum", "--data", data]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--rerun needs --reason/);
    const fresh = await labflow([
      "run",
      "workflows/arithmetic.json",
      "--json",
      "--rerun",
      "sum",
      "--reason",
      "recalibrated",
      "--data",
      data,
    ]);
    const run = JSON.parse(fresh.stdout);
    const statuses = Object.fromEntries(
      Object.entries(run.modules).map(([id, m]) => [id, (m as { status: string }).status]),
    );
    expect(statuses).toEqual({ two: "cached", three: "cached", sum: "done", scaled: "done", log: "done" });
  });

  it("exits 1 when a module fails, with its error in the result", async () => {
    const doc = workflow()
      .module("x", "basic.Expression", { expression: "a / 0" })
      .module("c", "basic.Constant", { value: 1 })
      .connect("c.value", "x.a")
      .build();
    const result = await labflow(["run", writeDoc(doc), "--json", "--data", tempDir()]);
    expect(result.code).toBe(1);
    const run = JSON.parse(result.stdout);
    expect(run.status).toBe("failed");
    expect(run.modules.x).toMatchObject({
      status: "failed",
      error: { code: expect.any(String), message: expect.any(String) },
    });
  });

  it("refuses an invalid document with exit 1, naming module and port, and stores nothing", async () => {
    const data = tempDir();
    const doc = workflow()
      .module("s", "basic.Add")
      .module("c", "basic.Constant")
      .connect("c.value", "s.a")
      .build();
    const result = await labflow(["run", writeDoc(doc), "--data", data]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('module "s", port "b": required input "b" is not connected');
    const db = new Database(join(data, "labflow.db"), { readonly: true });
    expect(db.prepare("SELECT count(*) AS n FROM runs").get()).toEqual({ n: 0 });
    db.close();
  });
});

describe("labflow validate", () => {
  it("accepts every example", async () => {
    for (const file of examples) expect((await labflow(["validate", join("workflows", file)])).code).toBe(0);
  });

  it("names the line and column of malformed JSON", async () => {
    const result = await labflow([
      "validate",
      writeDoc('{\n  "version": 1,\n  "name": "x",\n  "modules": [,]\n}'),
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/workflow\.json:4:\d+: not valid JSON/);
  });

  it("lists every problem, each with its module", async () => {
    const doc = workflow()
      .module("a", "basic.Nope")
      .module("b", "basic.Add")
      .module("c", "basic.Template", { template: "x" })
      .connect("c.text", "b.a")
      .build();
    const result = await labflow(["validate", writeDoc(doc)]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('module "a": unknown module type "basic.Nope"');
    expect(result.stderr).toContain('module "b", port "a"');
    expect(result.stderr).toContain('module "b", port "b": required input "b" is not connected');
  });

  it("refuses a misspelt param with the code the API gives, naming module, param and key", async () => {
    const result = await labflow([
      "validate",
      writeDoc(workflow().module("wait", "jobs.Timer", { secnds: 60 }).build()),
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'module "wait": params.secnds: jobs.Timer has no param "secnds" (params: seconds) [invalid_param]',
    );
  });
});

describe("the store after SIGKILL", () => {
  it("opens consistent after the CLI is killed in the middle of a run, and the run can be repeated", async () => {
    const data = tempDir();
    const doc = workflow("long");
    doc.module("m0", "basic.Constant", { value: 0 });
    for (let i = 1; i < 3000; i++)
      doc
        .module(`m${i}`, "basic.Add")
        .connect(`m${i - 1}.${i === 1 ? "value" : "sum"}`, `m${i}.a`)
        .connect("m0.value", `m${i}.b`);
    // A timer beside the chain keeps the run from ending before the kill lands, however fast the
    // chain computes (3,000 modules take ~0.1 s; a loaded machine may react later than that).
    doc.module("hold", "jobs.Timer", { seconds: 5 });
    const file = writeDoc(doc.build());
    const child = spawn(process.execPath, [join(repoRoot, "bin/labflow.js"), "run", file, "--data", data], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let printed = 0;
    child.stdout.on("data", (chunk: Buffer) => (printed += chunk.toString().split("\n").length - 1));
    // Killed once some modules have finished: mid-run, with commits behind and writes in flight.
    await waitUntil(() => printed > 200, "the run to be under way", 60_000);
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;

    const db = new Database(join(data, "labflow.db"));
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    // Unfinished: still computing, or (if the chain was through) waiting on the timer alone.
    expect(["running", "suspended"]).toContain(
      (db.prepare("SELECT status FROM runs").get() as { status: string }).status,
    );
    db.close();
    const again = await labflow(["run", file, "--json", "--data", data], { timeoutMs: 100_000 });
    expect(JSON.parse(again.stdout).status).toBe("completed");
  });
});

describe("workflows/schema.json", () => {
  it("is what the zod schema generates (run `npm run schema` after changing it)", () => {
    expect(readFileSync(join(repoRoot, "workflows/schema.json"), "utf8")).toBe(workflowJsonSchemaText());
  });
});
