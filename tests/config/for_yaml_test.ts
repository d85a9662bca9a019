import assert from "node:assert/strict";
import * as tusk from "../../mod.ts";
import * as tuskYaml from "../../src/config/mod.ts";

Deno.test("forYaml() refuses YAML that holds no configuration", async (t) => {
  for (const [what, text] of [["empty", ""], ["comments only", "# app: my_app\n\n# host: x\n"]]) {
    await t.step(what, () => {
      assert.throws(() => tuskYaml.forYaml(text, { source: "empty.yml", env: {} }), (e) => {
        assert.ok(e instanceof tuskYaml.TuskConfigError);
        assert.equal(
          e.message,
          "empty.yml: holds no configuration (the YAML is empty or only comments)",
        );
        return true;
      });
    });
  }
  assert.equal(tusk.getClient(), undefined, "nothing was started");
});

Deno.test("forYamlFile() names an empty file in its error", async () => {
  const path = await Deno.makeTempFile({ suffix: ".yml" });
  try {
    await assert.rejects(
      tuskYaml.forYamlFile(path, { env: {} }),
      (e: Error) =>
        e instanceof tuskYaml.TuskConfigError &&
        e.message === `${path}: holds no configuration (the YAML is empty or only comments)`,
    );
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("forYaml() refuses a top level that is not a mapping", () => {
  assert.throws(
    () => tuskYaml.forYaml("- a\n- b\n", { source: "list.yml", env: {} }),
    /^TuskConfigError: list\.yml: expected a mapping of keys at the top level$/,
  );
});
