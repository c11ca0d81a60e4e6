'use strict';
// Helpers shared by the scripts the bootstrap ITs run. Every script prints one JSON object per
// line on stdout (what the Java test asserts on) and exits by itself: 0 when it saw what it
// waited for, non-zero with a FAIL line on stderr otherwise.

/** The server port: the first argument. */
function port() {
  const value = Number(process.argv[2]);
  if (!Number.isInteger(value) || value <= 0) {
    fail(64, `usage: node ${require('path').basename(process.argv[1])} PORT [...]`);
  }
  return value;
}

function print(object) {
  process.stdout.write(JSON.stringify(object) + '\n');
}

function fail(code, why) {
  process.stderr.write(`FAIL: ${why}\n`);
  process.exit(code);
}

/** Fails the script if it has not finished within the time. */
function deadline(ms, what) {
  return setTimeout(() => fail(90, `${what} did not happen within ${ms} ms`), ms);
}

module.exports = { port, print, fail, deadline };
