/**
 * `npm run generate:slurm`: regenerates slurmrestd-api.ts, the types of the Slurm REST API, from
 * slurmrestd-openapi.json, the OpenAPI document slurmrestd serves at GET /openapi/v3 (kept in the
 * repo as fetched). slurmrestd documents every API version it loads in one file, with operation ids
 * repeated across versions; only the version labflow speaks is kept, so the generated names are unique.
 *
 * `--fetch URL USER TOKEN_FILE` first refreshes the stored document from a running slurmrestd.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SLURM_API_VERSION } from "./api-version.js";

const here = dirname(fileURLToPath(import.meta.url));
const specFile = join(here, "slurmrestd-openapi.json");
const typesFile = join(here, "slurmrestd-api.ts");

async function main(argv: string[]): Promise<void> {
  if (argv[0] === "--fetch") {
    const [, url, user, tokenFile] = argv;
    if (!url || !user || !tokenFile) throw new Error("usage: --fetch URL USER TOKEN_FILE");
    const response = await fetch(new URL("/openapi/v3", url), {
      headers: {
        "X-SLURM-USER-NAME": user,
        "X-SLURM-USER-TOKEN": readFileSync(tokenFile, "utf8").trim(),
      },
    });
    if (!response.ok) throw new Error(`GET /openapi/v3: HTTP ${response.status}`);
    writeFileSync(specFile, `${JSON.stringify(await response.json(), null, 2)}\n`);
  }
  const spec = JSON.parse(readFileSync(specFile, "utf8")) as { paths: Record<string, unknown> };
  const prefix = `/slurm/${SLURM_API_VERSION}/`;
  spec.paths = Object.fromEntries(Object.entries(spec.paths).filter(([path]) => path.startsWith(prefix)));
  const work = mkdtempSync(join(tmpdir(), "labflow-slurm-openapi-"));
  try {
    const filtered = join(work, "openapi.json");
    writeFileSync(filtered, JSON.stringify(spec));
    // openapi-typescript 7 needs TypeScript 5's compiler API (the project builds with TypeScript 7,
    // which has none), so it runs from npm's cache with its own TypeScript, pinned here.
    execFileSync(
      "npm",
      [
        "exec",
        "--yes",
        "--package=openapi-typescript@7.13.0",
        "--package=typescript@5.9.3",
        "--",
        "openapi-typescript",
        filtered,
        // A field with a default is optional in a request (slurmrestd fills it in).
        "--default-non-nullable=false",
        "-o",
        typesFile,
      ],
      { stdio: "inherit" },
    );
    execFileSync("npx", ["biome", "format", "--write", typesFile], { stdio: "inherit" });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main(process.argv.slice(2));
