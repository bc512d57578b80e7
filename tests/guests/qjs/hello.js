// QuickJS guest (componentize-qjs --sync). Its core module initialises
// globals with extended-const expressions, which SpiderMonkey 102 only
// accepts after wasm-rr folds them: running it checks that path end to end.
import { getStdout } from "wasi:cli/stdout@0.2.12";
import { now } from "wasi:clocks/wall-clock@0.2.12";
import { getRandomU64 } from "wasi:random/random@0.2.12";

function print(text) {
  const line = text + "\n";
  const bytes = new Uint8Array(line.length);
  for (let i = 0; i < line.length; i++) bytes[i] = line.charCodeAt(i);
  getStdout().blockingWriteAndFlush(bytes);
}

export const run = {
  run() {
    print("hello from quickjs");
    print("wall clock plausible: " + (now().seconds > 1700000000n ? "yes" : "no"));
    print("random: " + getRandomU64());
  },
};
