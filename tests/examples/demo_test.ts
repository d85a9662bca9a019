import assert from "node:assert/strict";
import { engineOrSkip } from "../_helpers/engines.ts";

const ROOT = new URL("../..", import.meta.url).pathname;

async function runDemo(env: Record<string, string>): Promise<string> {
  const clean = { ...Deno.env.toObject(), ...env };
  if (!env.CLICKHOUSE_URL) delete clean.CLICKHOUSE_URL;
  const result = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "examples/demo.ts"],
    cwd: ROOT,
    env: clean,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(result.stdout);
  assert.equal(result.code, 0, new TextDecoder().decode(result.stderr) + stdout);
  return stdout;
}

function assertCpuTable(stdout: string): void {
  assert.match(stdout, /\| region \| instance_id \| +datetime \| usage \|/);
  assert.match(stdout, /\| +Tokyo \| +ABC \| [0-9-]+ [0-9:.]+ \| +0\.43 \|/);
  assert.match(stdout, /\| +Seoul \| +XYZ \| [0-9-]+ [0-9:.]+ \| +0\.22 \|/);
  assert.match(stdout, /"written":2,"pending":0/);
}

Deno.test("examples/demo.ts writes system.cpu into the embedded engine without CLICKHOUSE_URL", async () => {
  const stdout = await runDemo({});
  assert.match(stdout, /starting the embedded engine \(chDB\)/);
  assert.match(stdout, /ClickHouse 26\./);
  assertCpuTable(stdout);
});

const ch18 = engineOrSkip("clickhouse-18");
Deno.test({
  name: "examples/demo.ts writes into CLICKHOUSE_URL when it is set [clickhouse-18]",
  ignore: !ch18.engine,
  fn: async () => {
    const { url, user, password } = ch18.engine!;
    const stdout = await runDemo({
      CLICKHOUSE_URL: url,
      CLICKHOUSE_USER: user,
      CLICKHOUSE_PASSWORD: password,
    });
    assert.match(stdout, /ClickHouse 18\.16/);
    assertCpuTable(stdout);
  },
});
